// Runs jobs in worker threads: a queue (one running heavy job per kind), throttled progress
// events with rate/ETA, cancel with a hard stop, crash detection and resume from checkpoints.
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { EventBus } from '../api/events.js';
import type { ApiContractType } from '../../../shared/api.js';
import type { JobSnapshot } from '../../../shared/services/jobs.js';
import type { WireError } from '../../../shared/contract.js';
import type { JobKindRegistry } from './registry.js';
import type { RunnerToWorker, WorkerStartData, WorkerToRunner } from './types.js';
import { spawnJobWorker } from './worker-thread.js';
import { newCallGate, terminateWhenIdle } from '../app/native-call-gate.js';
import { processExists } from '../project/locks.js';
import { FINAL_STATES, JobTable, RESUMABLE_STATES } from './job-table.js';
import { ProgressTracker } from './progress.js';
import { JobNotResumableError, WorkerCrashError } from './errors.js';
import { isBusyError, retryBusy } from '../project/busy.js';

export interface JobRunnerOptions {
  projectDir: string;
  dbPath: string;
  db: Database.Database;
  registry: JobKindRegistry;
  events: EventBus<ApiContractType>;
  /** Minimum gap between onUpdate events of one job (final states are always sent). */
  updateIntervalMs?: number;
  /** How long a cancelled worker may take to stop before it is terminated. */
  cancelGraceMs?: number;
  heartbeatMs?: number;
}

interface ActiveJob {
  id: number;
  kind: string;
  heavy: boolean;
  worker: Worker;
  /** Stops the worker once no onnxruntime call is in flight in it (terminating one mid-call aborts the process). */
  stop: () => Promise<number>;
  tracker: ProgressTracker;
  lastEmit: number;
  emitTimer: NodeJS.Timeout | null;
  cancelRequested: boolean;
  killTimer: NodeJS.Timeout | null;
  /** Set once the worker reported how it ended, or the runner decided it. */
  finished: boolean;
  crashError: WireError | null;
}

/** A running job's owner writes heartbeat_at every few seconds; this much silence means it is gone. */
const STALE_HEARTBEAT_MS = 120_000;

export class JobRunner {
  private readonly table: JobTable;
  private readonly active = new Map<number, ActiveJob>();
  private readonly waiters = new Map<number, Array<(s: JobSnapshot) => void>>();
  private readonly heartbeat: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly opts: JobRunnerOptions) {
    this.table = new JobTable(opts.db);
    this.heartbeat = setInterval(() => {
      // A timer callback that throws kills the process (and `genq serve` with it): a heartbeat
      // the database is too busy to take is simply sent again next time.
      if (this.active.size) this.tryWrite('heartbeat', () => this.table.heartbeat([...this.active.keys()]));
    }, opts.heartbeatMs ?? 5_000);
    this.heartbeat.unref();
  }

  /**
   * Jobs left running or queued by a process that is gone (or by an earlier runner in this
   * process) can never finish on their own: mark them interrupted so they can be resumed.
   */
  recoverInterrupted(): number[] {
    const ids: number[] = [];
    const staleBefore = Date.now() - STALE_HEARTBEAT_MS;
    for (const job of this.table.unfinished()) {
      const ownerAlive = job.owner_pid != null && job.owner_pid !== process.pid && processExists(job.owner_pid);
      // A live pid may be a different process that reused it: a running job whose heartbeat
      // stopped long ago is dead either way.
      const stale = job.state === 'running' && job.heartbeat_at != null && Date.parse(job.heartbeat_at) < staleBefore;
      if (ownerAlive && !stale) continue;
      this.table.finish(job.id, 'interrupted', { error: null });
      ids.push(job.id);
      this.emit(job.id);
    }
    return ids;
  }

  start(kind: string, params: unknown): JobSnapshot {
    const def = this.opts.registry.get(kind);
    const parsed = this.opts.registry.parseParams(kind, params);
    const id = this.table.insert(kind, def.title(parsed, this.opts.db), parsed, process.pid);
    this.emit(id);
    this.pump();
    return this.table.snapshot(id);
  }

  resume(id: number): JobSnapshot {
    const snap = this.table.snapshot(id);
    if (!RESUMABLE_STATES.includes(snap.state)) throw new JobNotResumableError(id, snap.state);
    this.opts.registry.get(snap.kind); // a kind this build no longer has cannot run
    this.table.requeue(id, process.pid, { ...snap.progress, rate: null, etaSeconds: null });
    this.emit(id);
    this.pump();
    return this.table.snapshot(id);
  }

  cancel(id: number): JobSnapshot {
    const snap = this.table.snapshot(id);
    const job = this.active.get(id);
    if (job) {
      if (!job.cancelRequested) {
        job.cancelRequested = true;
        job.worker.postMessage({ type: 'cancel' } satisfies RunnerToWorker);
        const grace = this.opts.cancelGraceMs ?? 3_000;
        job.killTimer = setTimeout(() => {
          void this.writeLater(`Logging the stop of job ${id}`, () =>
            this.table.addLog(id, 'warn', `The job did not stop within ${grace / 1000} s of cancel; its worker was terminated.`),
          );
          void job.stop();
        }, grace);
        this.table.addLog(id, 'info', 'Cancel requested');
      }
    } else if (snap.state === 'queued') {
      this.table.finish(id, 'cancelled', {});
      this.settle(id);
    }
    return this.table.snapshot(id);
  }

  get(id: number): JobSnapshot {
    return this.table.snapshot(id);
  }

  list(limit: number): JobSnapshot[] {
    return this.table.list(limit);
  }

  logs(id: number, limit: number) {
    this.table.snapshot(id); // throws JobNotFoundError for an unknown id
    return this.table.logs(id, limit);
  }

  /** Resolves with the job's snapshot once it is done, failed, cancelled or interrupted. */
  waitFor(id: number): Promise<JobSnapshot> {
    const snap = this.table.snapshot(id);
    if (FINAL_STATES.includes(snap.state)) return Promise.resolve(snap);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  /** Stops every worker; their jobs (and this process's queued ones) become interrupted. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.heartbeat);
    const stopping = [...this.active.values()].map(async (job) => {
      job.finished = true;
      this.clearTimers(job);
      this.active.delete(job.id);
      await job.stop();
      const progress = { ...job.tracker.progress, rate: null, etaSeconds: null };
      await retryBusy(`Marking job ${job.id} interrupted`, () => this.table.finish(job.id, 'interrupted', { progress }));
      this.settle(job.id);
    });
    await Promise.all(stopping);
    for (const q of this.table.queued(process.pid)) {
      await retryBusy(`Marking job ${q.id} interrupted`, () => this.table.finish(q.id, 'interrupted', {}));
      this.settle(q.id);
    }
  }

  /**
   * Starts queued jobs in order, keeping at most one running heavy job per kind. A busy
   * database leaves the rest queued and tries again shortly (never a throw into a caller that
   * already committed its own write, such as start()).
   */
  private pump(): void {
    if (this.disposed) return;
    try {
      this.pumpOnce();
    } catch (err) {
      if (!isBusyError(err)) throw err;
      setTimeout(() => this.pump(), 250).unref();
    }
  }

  private pumpOnce(): void {
    const busyHeavyKinds = new Set([...this.active.values()].filter((j) => j.heavy).map((j) => j.kind));
    for (const q of this.table.queued(process.pid)) {
      if (!this.opts.registry.has(q.kind)) {
        this.table.finish(q.id, 'failed', { error: { name: 'UnknownJobKindError', message: `Unknown job kind "${q.kind}"` } });
        this.settle(q.id);
        continue;
      }
      const def = this.opts.registry.get(q.kind);
      if (def.heavy && busyHeavyKinds.has(q.kind)) continue;
      if (def.heavy) busyHeavyKinds.add(q.kind);
      this.launch(q.id, q.kind, def.heavy, def.handlerModule);
    }
  }

  private launch(id: number, kind: string, heavy: boolean, handlerModule: string): void {
    const { params, checkpoint } = this.table.startInfo(id);
    const prior = this.table.snapshot(id).progress;
    this.table.markRunning(id, process.pid);
    const workerData: WorkerStartData = {
      jobId: id,
      kind,
      handlerModule,
      params,
      checkpoint,
      projectDir: this.opts.projectDir,
      dbPath: this.opts.dbPath,
      callGate: newCallGate(),
    };
    const worker = spawnJobWorker(workerData);
    let stopping: Promise<number> | null = null;
    const job: ActiveJob = {
      id,
      kind,
      heavy,
      worker,
      stop: () => (stopping ??= terminateWhenIdle(worker, workerData.callGate)),
      tracker: new ProgressTracker(checkpoint != null ? prior : null),
      lastEmit: 0,
      emitTimer: null,
      cancelRequested: false,
      killTimer: null,
      finished: false,
      crashError: null,
    };
    this.active.set(id, job);
    worker.on('message', (msg: WorkerToRunner) => this.onMessage(job, msg));
    worker.on('error', (err) => {
      job.crashError = { name: err.name || 'Error', message: err.message };
    });
    worker.on('exit', (code) => this.onExit(job, code));
    this.emit(id);
  }

  private onMessage(job: ActiveJob, msg: WorkerToRunner): void {
    if (job.finished) return;
    switch (msg.type) {
      case 'progress':
        job.tracker.update(msg.update);
        this.emitProgressThrottled(job);
        break;
      case 'log':
        void this.writeLater(`Storing a log line of job ${job.id}`, () => this.table.addLog(job.id, msg.level, msg.message)).then(
          (line) => line && this.opts.events.emit('jobs', 'onLog', line),
        );
        break;
      case 'metric':
        this.onMetric(job, msg);
        break;
      case 'done':
        this.end(job, 'done', { result: msg.result });
        break;
      case 'cancelled':
        this.end(job, 'cancelled', {});
        break;
      case 'error':
        this.end(job, job.cancelRequested ? 'cancelled' : 'failed', { error: msg.error });
        break;
    }
  }

  private onMetric(job: ActiveJob, msg: Extract<WorkerToRunner, { type: 'metric' }>): void {
    if (msg.runId !== undefined) {
      try {
        this.table.addMetricPoint(msg.runId, msg.series, msg.step, msg.value);
      } catch (err) {
        this.tryWrite('Logging a lost metric', () =>
          this.table.addLog(job.id, 'warn', `Could not store metric ${msg.series} for run ${msg.runId}: ${(err as Error).message}`),
        );
      }
    }
    const runId = msg.runId ?? null;
    this.opts.events.emit('jobs', 'onMetric', { jobId: job.id, runId, series: msg.series, step: msg.step, value: msg.value });
  }

  private onExit(job: ActiveJob, code: number): void {
    if (job.finished) return;
    if (job.cancelRequested) this.end(job, 'cancelled', {});
    else {
      const error = job.crashError ?? {
        name: new WorkerCrashError('').name,
        message: `The worker running job ${job.id} (${job.kind}) exited with code ${code} before finishing.`,
      };
      this.end(job, 'failed', { error });
    }
  }

  private end(job: ActiveJob, state: 'done' | 'failed' | 'cancelled', fields: { result?: unknown; error?: WireError }): void {
    job.finished = true;
    this.clearTimers(job);
    this.active.delete(job.id);
    // The worker has posted its final message; nothing of value is left in it.
    void job.stop();
    const progress = { ...job.tracker.progress, etaSeconds: state === 'done' ? 0 : null };
    void this.writeLater(`Recording the end of job ${job.id}`, () =>
      this.opts.db.transaction(() => {
        this.table.finish(job.id, state, { ...fields, progress });
        if (fields.error) this.table.addLog(job.id, 'error', `${fields.error.name}: ${fields.error.message}`);
      })(),
    ).then(() => {
      this.settle(job.id);
      this.pump();
    });
  }

  /** One periodic write (heartbeat, progress): skipped when the database is busy, never thrown. */
  private tryWrite(what: string, write: () => void): void {
    try {
      write();
    } catch (err) {
      if (!isBusyError(err)) console.error(`genq: ${what} failed: ${(err as Error).message}`);
    }
  }

  /**
   * A write that must land (a log line, a job's final state), retried with backoff while the
   * database is busy. Called from worker events, where a throw would kill the process: a write
   * that still fails is reported on stderr and resolves to undefined.
   */
  private async writeLater<T>(what: string, write: () => T): Promise<T | undefined> {
    try {
      return await retryBusy(what, write, { attempts: 12, maxDelayMs: 5_000 });
    } catch (err) {
      console.error(`genq: ${(err as Error).message}`);
      return undefined;
    }
  }

  private emitProgressThrottled(job: ActiveJob): void {
    const interval = this.opts.updateIntervalMs ?? 200;
    const wait = job.lastEmit + interval - Date.now();
    if (wait <= 0) return this.flushProgress(job);
    if (!job.emitTimer) job.emitTimer = setTimeout(() => this.flushProgress(job), wait);
  }

  private flushProgress(job: ActiveJob): void {
    if (job.emitTimer) clearTimeout(job.emitTimer);
    job.emitTimer = null;
    if (job.finished) return;
    job.lastEmit = Date.now();
    this.tryWrite(`Saving progress of job ${job.id}`, () => this.table.saveProgress(job.id, job.tracker.progress));
    this.emit(job.id);
  }

  private clearTimers(job: ActiveJob): void {
    if (job.emitTimer) clearTimeout(job.emitTimer);
    if (job.killTimer) clearTimeout(job.killTimer);
    job.emitTimer = job.killTimer = null;
  }

  /** Emits the final state and wakes waitFor() callers. */
  private settle(id: number): void {
    const snap = this.emit(id);
    const list = this.waiters.get(id);
    this.waiters.delete(id);
    list?.forEach((resolve) => resolve(snap));
  }

  private emit(id: number): JobSnapshot {
    const snap = this.table.snapshot(id);
    this.opts.events.emit('jobs', 'onUpdate', snap);
    return snap;
  }
}
