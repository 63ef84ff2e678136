// Runs the genq CLI from source in a child process (node --import tsx src-main/cli/genq.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliEntry = fileURLToPath(new URL('../../src-main/cli/genq.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, GENQ_DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs the CLI and kills it with SIGKILL as soon as its stdout contains `marker` (a crash mid-run);
 * resolves once it is gone, with the stdout it had printed when killed (all of it if it ended first).
 */
export async function killCliAtOutput(args: string[], marker: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child = spawnCli(args, env);
  let seen = '';
  let atKill: string | null = null;
  const closed = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  child.stdout!.on('data', (d) => {
    seen += d;
    if (atKill === null && seen.includes(marker)) {
      atKill = seen;
      child.kill('SIGKILL');
    }
  });
  await closed;
  return atKill ?? seen;
}
