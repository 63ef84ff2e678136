// Starting the generic job worker thread, from source (tsx) or from the compiled dist.
import type { Worker } from 'node:worker_threads';
import type { WorkerStartData } from './types.js';
import { startModuleWorker, workerEntry } from '../app/module-worker.js';

const WORKER_URL = workerEntry('../../workers/job-worker', import.meta.url);

export function spawnJobWorker(workerData: WorkerStartData): Worker {
  return startModuleWorker(WORKER_URL, workerData);
}
