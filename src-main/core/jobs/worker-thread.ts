// Starting the generic job worker thread, from source (tsx) or from the compiled dist.
import type { Worker } from 'node:worker_threads';
import type { WorkerStartData } from './types.js';
import { startModuleWorker, workerEntry } from '../app/module-worker.js';

const WORKER_URL = workerEntry('../../workers/job-worker', import.meta.url);

export function spawnJobWorker(workerData: WorkerStartData): Worker {
  return startModuleWorker(WORKER_URL, workerData);
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
