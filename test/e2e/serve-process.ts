// Starts `genq serve` in its own process group and reads the URL it prints; stop() kills the group.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';

export interface ServeProcess {
  url: string;
  origin: string;
  token: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startServe(opts: { repoRoot: string; projectDir: string; userDataDir: string; timeoutMs?: number }): Promise<ServeProcess> {
  // Web mode reaches only allowed folders: the test's temp folder and the repository's fixtures.
  const allow = ['--allow-dir', dirname(opts.projectDir), '--allow-dir', join(opts.repoRoot, 'test', 'fixtures')];
  const child: ChildProcess = spawn(process.execPath, ['bin/genq.js', 'serve', '--project', opts.projectDir, '--port', '0', ...allow], {
    cwd: opts.repoRoot,
    env: { ...process.env, GENQ_TEST_JOBS: '1', GENQ_USER_DATA: opts.userDataDir },
    detached: true, // own process group: workers and all die together in stop()
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return; // already gone
    }
    const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    if (!killed) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone between the two signals
      }
      await exited;
    }
  };

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`genq serve printed no URL within ${opts.timeoutMs ?? 30_000} ms. Output:\n${output}`)), opts.timeoutMs ?? 30_000);
    const check = () => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`genq serve exited with code ${code} before printing its URL. Output:\n${output}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  const parsed = new URL(url);
  return { url, origin: parsed.origin, token: parsed.searchParams.get('token')!, output: () => output, stop };
}
