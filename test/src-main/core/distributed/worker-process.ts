// `genq worker` as a child process for the distributed tests: started on the given Redis, resolved
// once it prints its ready line; stopped by its own handle (SIGTERM, or SIGKILL to simulate a crash).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { genqNodeArgs } from '../../../helpers/genq-entry.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** `started` sees the child as soon as it is spawned (to kill it in afterAll even if it never gets ready). */
export async function startWorkerProcess(opts: { redisUrl: string; id: string; graphCache: string; lockMs?: number; extra?: string[]; started?(child: ChildProcess): void }): Promise<ChildProcess> {
  const args = [...genqNodeArgs(), 'worker', '--redis', opts.redisUrl, '--threads', '1', '--lock-ms', String(opts.lockMs ?? 1000), '--id', opts.id, ...(opts.extra ?? [])];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, GENQ_CACHE: opts.graphCache }, stdio: ['ignore', 'pipe', 'inherit'] });
  opts.started?.(child);
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) if (line.includes('"ready":true')) return child;
  throw new Error(`genq worker ${opts.id} exited before it was ready (code ${child.exitCode})`);
}

export async function stopWorkerProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  await once(child, 'exit');
}
