// Generic worker-thread entry: opens its own project connection, imports the job kind's
// handler module and runs it, relaying progress, logs and metrics to the runner.
import { parentPort, workerData } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openDatabase, WORKER_BUSY_TIMEOUT_MS } from '../core/project/store.js';
import { withStageLock } from '../core/project/locks.js';
import { installCallGate } from '../core/app/native-call-gate.js';
import type { JobContext, JobHandler, JobProgressUpdate, RunnerToWorker, WorkerStartData, WorkerToRunner } from '../core/jobs/types.js';

/** Minimum gap between progress messages; handlers may report far more often than that. */
const PROGRESS_FLUSH_MS = 50;

const port = parentPort;
if (!port) throw new Error('job-worker.ts must run inside a worker thread');
const data = workerData as WorkerStartData;
const send = (msg: WorkerToRunner) => port.postMessage(msg);
installCallGate(data.callGate);

/**
 * Under tsx, stage code names its handler './x-job.js' although only x-job.ts exists on
 * disk; load the .ts file in that case. In dist the .js file exists and is used as-is.
 */
function resolveHandlerUrl(url: string): string {
  if (!url.startsWith('file:') || !url.endsWith('.js')) return url;
  if (existsSync(fileURLToPath(url))) return url;
  const ts = url.slice(0, -3) + '.ts';
  return existsSync(fileURLToPath(ts)) ? ts : url;
}

async function main(): Promise<void> {
  const controller = new AbortController();
  port!.on('message', (msg: RunnerToWorker) => {
    if (msg.type === 'cancel') controller.abort(new Error('Job cancelled'));
  });

  let pending: JobProgressUpdate | null = null;
  let lastSent = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!pending) return;
    send({ type: 'progress', update: pending });
    pending = null;
    lastSent = Date.now();
  };

  const db = openDatabase(data.dbPath, { mustExist: true, busyTimeoutMs: WORKER_BUSY_TIMEOUT_MS });
  const saveCheckpointStmt = db.prepare('UPDATE jobs SET checkpoint = ? WHERE id = ?');
  try {
    const mod = (await import(resolveHandlerUrl(data.handlerModule))) as { default?: JobHandler };
    const handler = mod.default;
    if (!handler || typeof handler.run !== 'function') {
      throw new Error(`${data.handlerModule} has no default export with a run(ctx) method (job kind ${data.kind})`);
    }
    const ctx: JobContext = {
      jobId: data.jobId,
      params: data.params,
      checkpoint: data.checkpoint ?? null,
      projectDir: data.projectDir,
      db,
      signal: controller.signal,
      progress(update) {
        pending = { ...update };
        const final = update.total != null && update.done >= update.total;
        if (final || Date.now() - lastSent >= PROGRESS_FLUSH_MS) flush();
        else if (!timer) timer = setTimeout(flush, PROGRESS_FLUSH_MS);
      },
      saveCheckpoint(checkpoint) {
        saveCheckpointStmt.run(JSON.stringify(checkpoint), data.jobId);
      },
      log(level, message) {
        send({ type: 'log', level, message: String(message) });
      },
      metric(series, step, value, runId) {
        send({ type: 'metric', series, step, value, ...(runId !== undefined ? { runId } : {}) });
      },
    };
    // One job never runs in two processes at once (two `jobs resume` of the same id): the second waits for nothing and fails with who holds it.
    const result = await withStageLock(db, `job:${data.jobId}`, `Job ${data.jobId} (${data.kind})`, () => handler.run(ctx), {
      jobId: data.jobId,
      log: (message) => ctx.log('warn', message),
    });
    flush();
    db.close();
    send(controller.signal.aborted ? { type: 'cancelled' } : { type: 'done', result: result ?? null });
  } catch (err) {
    flush();
    if (db.open) db.close();
    if (controller.signal.aborted) send({ type: 'cancelled' });
    else {
      const e = err instanceof Error ? err : new Error(String(err));
      send({ type: 'error', error: { name: e.name || 'Error', message: e.message } });
    }
  }
}

void main();
