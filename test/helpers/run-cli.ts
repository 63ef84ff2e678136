// Runs the genq CLI in a child process (compiled when dist/ is fresh, else from source: genq-entry.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { genqNodeArgs, repoRoot } from './genq-entry.js';

export { genqNodeArgs, repoRoot };

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [...genqNodeArgs(), ...args], {
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
