// kill -9 of a whole process mid-job, for the crash-resume tests: a child (job-child.ts) opens the
// project, starts the job and prints its id; once the job has got far enough the child is killed
// with SIGKILL, so the test can reopen the project and resume the interrupted job.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { waitUntil } from './temp-dir.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const jobChild = fileURLToPath(new URL('./job-child.ts', import.meta.url));

export interface KillMidJobOptions<T> {
  /** The project folder (servicesOnNewProject's `dir`); its user data is `../user-data`. */
  dir: string;
  /** The services.impl entry whose start() takes `params`: 'mining', 'generation', 'training', 'jobs'. */
  service: string;
  params: unknown;
  /** Polled with the job id until truthy: how far the child's job must get before the kill. */
  reached(jobId: number): T;
  timeoutMs: number;
  /** For the timeout message: what `reached` waits for. */
  what: string;
}

/** Starts the job in a child process, waits for `reached`, kills the child -9; its job id and pid, and `reached`'s last value. */
export async function killMidJob<T>(opts: KillMidJobOptions<T>): Promise<{ jobId: number; pid: number; reached: NonNullable<T> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', jobChild, opts.dir, opts.service, JSON.stringify(opts.params)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const { jobId, pid } = JSON.parse(line) as { jobId: number; pid: number };
    expect(pid).toBe(child.pid);
    const reached = await waitUntil(() => opts.reached(jobId), opts.timeoutMs, opts.what);
    child.kill('SIGKILL');
    expect((await exited)[1]).toBe('SIGKILL');
    return { jobId, pid, reached };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Runs `read` on a read-only connection to the project database in `dir` (while another process writes it). */
export function readProjectDb<T>(dir: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(dir, 'project.sqlite'), { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    return read(db);
  } finally {
    db.close();
  }
}
