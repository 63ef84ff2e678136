// Starting the generic job worker thread, from source (tsx) or from the compiled dist.
import { Worker } from 'node:worker_threads';
import type { WorkerStartData } from './types.js';

// Under vitest/tsx this file is .ts and so is the worker entry; in dist both are .js.
const IS_TS = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`../../workers/job-worker.${IS_TS ? 'ts' : 'js'}`, import.meta.url);

/**
 * On Node 20 `execArgv: ['--import', 'tsx']` does not reach a worker's entry module, so from
 * source the worker starts with a tiny bootstrap that registers tsx's loader, then imports
 * the .ts entry (`--import tsx` stays for the CommonJS hooks). From dist the worker runs the
 * compiled .js directly.
 */
export function spawnJobWorker(workerData: WorkerStartData): Worker {
  if (!IS_TS) return new Worker(WORKER_URL, { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, execArgv: ['--import', 'tsx'] });
}

/** Whether a process with this pid exists (it may belong to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
