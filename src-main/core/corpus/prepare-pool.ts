// Runs prepareDocument for the import, in order, either inline or on worker threads so chunking
// and hashing of the next documents overlap the SQLite writes of the current ones. Results
// come back in submission order, so an import gives the same rows either way.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker, workerEntry } from '../app/module-worker.js';
import type { TokenCounter } from './chunk.js';
import type { SourceDocument } from './formats/types.js';
import { prepareDocument, type PrepareSettings, type PreparedDocument } from './prepare.js';
import type { PrepareRequest, PrepareResponse } from './prepare-worker.js';

export class PrepareWorkerError extends Error {
  override name = 'PrepareWorkerError';
}

export interface DocumentPreparer {
  /** Worker threads doing the work (0 = inline, on the caller's thread). */
  readonly threads: number;
  prepare(docs: SourceDocument[]): Promise<PreparedDocument[]>;
  close(): Promise<void>;
}

/** Imports smaller than this are prepared inline: starting a worker costs more than it saves. */
export const WORKER_MIN_BYTES = 16 * 1024 * 1024;

/** Workers for an import of `totalBytes`: one per spare core, at most 3; 0 = inline. */
export function defaultWorkerCount(totalBytes: number): number {
  if (totalBytes < WORKER_MIN_BYTES) return 0;
  return Math.max(1, Math.min(3, availableParallelism() - 1));
}

export function createPreparer(settings: PrepareSettings, countTokens: TokenCounter, workers: number): DocumentPreparer {
  if (workers <= 0) {
    return {
      threads: 0,
      prepare: async (docs) => docs.map((doc) => prepareDocument(doc, settings, countTokens)),
      close: async () => undefined,
    };
  }
  return new WorkerPreparer(settings, workers);
}

const WORKER_URL = workerEntry('./prepare-worker', import.meta.url);

function spawn(settings: PrepareSettings): Worker {
  return startModuleWorker(WORKER_URL, settings);
}

interface Pending {
  resolve(prepared: PreparedDocument[]): void;
  reject(err: Error): void;
}

class WorkerPreparer implements DocumentPreparer {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;
  readonly threads: number;

  constructor(settings: PrepareSettings, count: number) {
    this.threads = count;
    this.workers = Array.from({ length: count }, () => {
      const worker = spawn(settings);
      worker.on('message', (msg: PrepareResponse) => this.settle(msg));
      worker.on('error', (err) => this.fail(new PrepareWorkerError(`document preparation thread failed: ${err.message}`)));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new PrepareWorkerError(`document preparation thread exited with code ${code}`));
      });
      return worker;
    });
  }

  prepare(docs: SourceDocument[]): Promise<PreparedDocument[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: PrepareRequest = { id, docs };
      this.workers[id % this.workers.length].postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.fail(new PrepareWorkerError('document preparation was stopped'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private settle(msg: PrepareResponse): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if ('error' in msg) p.reject(new PrepareWorkerError(msg.error));
    else p.resolve(msg.prepared);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
