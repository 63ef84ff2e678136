// Sampling on several threads. Choosing a token costs O(vocab) per row (softmax, top-p), and with
// 48 rows × 32k tokens per step that JS work rivals the decoder step itself, while onnxruntime's
// threads sit idle. ParallelSampler splits each step's rows between this thread and worker threads
// (one per spare core, at most 3, started once per process and reused). Each row draws from its own
// seeded stream, whose state lives in shared memory, so the tokens are exactly those of the
// single-threaded samplingChooser, whatever the split.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker, workerEntry } from '../app/module-worker.js';
import type { BatchTokenChooser } from './decode-loop.js';
import { checkSampling, nextUniform, streamSeed, Warper, type SamplingOptions } from './sampling.js';
import type { SampleRequest, SampleResponse } from './sampling-worker.js';

export class SamplingThreadError extends Error {
  override name = 'SamplingThreadError';
}

/** Rows per thread below which a step is sampled on the calling thread alone (messages cost more). */
const MIN_ROWS_PER_THREAD = 4;

/** Worker threads for sampling: one per spare core, at most 3. */
export function samplingThreads(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

const WORKER_URL = workerEntry('./sampling-worker', import.meta.url);

/** The process's sampling workers, started on first use; unref'd, so they never keep the process alive. */
class WorkerPool {
  private readonly pending = new Map<number, { resolve(): void; reject(e: Error): void }>();
  private nextId = 0;
  private failure: Error | null = null;
  readonly workers: Worker[];

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => {
      const worker = startModuleWorker(WORKER_URL, null);
      worker.on('message', (m: SampleResponse) => this.settle(m));
      worker.on('error', (e) => this.fail(new SamplingThreadError(`a sampling thread failed: ${e.message}`)));
      worker.on('exit', (code) => this.fail(new SamplingThreadError(`a sampling thread exited (code ${code})`)));
      worker.unref(); // after the listeners (adding a 'message' listener refs the port again); ref'd while a request is out
      return worker;
    });
  }

  get broken(): boolean {
    return this.failure !== null;
  }

  run(worker: number, request: Omit<SampleRequest, 'id'>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) for (const w of this.workers) w.ref(); // the process waits for the answers
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[worker].postMessage({ ...request, id } satisfies SampleRequest);
    });
  }

  private settle(m: SampleResponse): void {
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (this.pending.size === 0) for (const w of this.workers) w.unref();
    if ('error' in m) p?.reject(new SamplingThreadError(`sampling thread: ${m.error}`));
    else p?.resolve();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    for (const w of this.workers) w.unref();
  }
}

let pool: WorkerPool | undefined;
function sharedPool(threads: number): WorkerPool {
  if (!pool || pool.broken || pool.workers.length < threads) {
    for (const w of pool?.workers ?? []) void w.terminate();
    pool = new WorkerPool(threads);
  }
  return pool;
}

const shared = (bytes: number) => new SharedArrayBuffer(Math.max(4, bytes));

/**
 * A BatchTokenChooser for decode(), drawing exactly what samplingChooser draws: row r is sequence
 * (r mod n) of passage passageIds[⌊r / n⌋]. `threads` = worker threads (default samplingThreads()).
 */
export function parallelSamplingChooser(
  vocab: number,
  opts: SamplingOptions & { seed: number; numReturnSequences: number; passageIds: number[]; threads?: number },
): BatchTokenChooser {
  const options = checkSampling(opts);
  const n = opts.numReturnSequences;
  const rowCount = opts.passageIds.length * n;
  const threads = opts.threads ?? samplingThreads();
  const warper = new Warper(vocab, options);
  const buffers = { positions: shared(rowCount * 4), rows: shared(rowCount * 4), streams: shared(rowCount * 4), tokens: shared(rowCount * 4), logits: shared(0) };
  const positions = new Int32Array(buffers.positions);
  const rows = new Int32Array(buffers.rows);
  const streams = new Uint32Array(buffers.streams);
  const tokens = new Int32Array(buffers.tokens);
  for (let r = 0; r < rowCount; r++) streams[r] = streamSeed(opts.seed, opts.passageIds[Math.floor(r / n)], r % n);
  let logits = new Float32Array(buffers.logits);

  const sampleHere = (from: number, to: number, source: Float32Array) => {
    for (let i = from; i < to; i++) {
      warper.warp(source, positions[i] * vocab);
      tokens[i] = warper.draw(nextUniform(streams, rows[i]));
    }
  };

  return async (stepLogits, stepPositions, stepRows, count) => {
    positions.set(stepPositions.subarray(0, count));
    rows.set(stepRows.subarray(0, count));
    const helpers = Math.min(threads, Math.floor(count / MIN_ROWS_PER_THREAD) - 1);
    if (helpers <= 0) {
      sampleHere(0, count, stepLogits);
      return tokens.subarray(0, count);
    }
    if (logits.length < stepLogits.length) {
      buffers.logits = shared(rowCount * vocab * 4);
      logits = new Float32Array(buffers.logits);
    }
    logits.set(stepLogits); // [batch, vocab] into shared memory, processors already applied
    const workers = sharedPool(helpers);
    const per = Math.ceil(count / (helpers + 1));
    const done: Array<Promise<void>> = [];
    for (let h = 0; h < helpers; h++) {
      const from = (h + 1) * per;
      const to = Math.min(count, from + per);
      if (from < to) done.push(workers.run(h, { vocab, options, ...buffers, from, to }));
    }
    sampleHere(0, Math.min(per, count), logits);
    await Promise.all(done);
    return tokens.subarray(0, count);
  };
}
