// The job API every pipeline stage codes against. A stage declares JobKindDefs; the runner
// executes the kind's handler module inside a worker thread and gives it a JobContext.
import type Database from 'better-sqlite3';
import type { ZodType } from 'zod';

export interface JobProgressUpdate {
  done: number;
  total?: number | null;
  unit?: string;
  message?: string;
}

export interface JobContext<P = unknown, C = unknown> {
  jobId: number;
  /** Already validated by the kind's zod schema. */
  params: P;
  /** Last saved checkpoint when resuming, else null. */
  checkpoint: C | null;
  projectDir: string;
  /** The worker's own connection to <projectDir>/project.sqlite (WAL, foreign_keys on). */
  db: Database.Database;
  /** Aborted on cancel; handlers check it between units of work and return/throw promptly. */
  signal: AbortSignal;
  /** Cheap; the runner throttles and computes rate/ETA. */
  progress(update: JobProgressUpdate): void;
  /**
   * Writes jobs.checkpoint through ctx.db, synchronously. Call it INSIDE your own
   * db.transaction so data + checkpoint commit atomically.
   */
  saveCheckpoint(checkpoint: C): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Pushed as jobs.onMetric; persisted to metric_points when runId is given. */
  metric(series: string, step: number, value: number, runId?: number): void;
}

export interface JobHandler<P = unknown, C = unknown> {
  /** Resolves to the JSON result. */
  run(ctx: JobContext<P, C>): Promise<unknown>;
}

/** A handler module's default export is a JobHandler. A kind is declared with: */
export interface JobKindDef<P = unknown> {
  /** e.g. 'corpus.import' */
  kind: string;
  /** Shown in the job tray; `db` (the project's) lets it name things by the names people gave them. */
  title(params: P, db?: Database.Database): string;
  /** Human name of the kind itself ("Import documents"), listed by jobs.kinds; defaults to `kind`. */
  label?: string;
  /** At most one running heavy job per kind; others wait queued. */
  heavy: boolean;
  params: ZodType<P>;
  /** Absolute file URL string of the handler module, e.g. new URL('./import-job.js', import.meta.url).href */
  handlerModule: string;
}

/** Messages from the worker thread to the runner. */
export type WorkerToRunner =
  | { type: 'progress'; update: JobProgressUpdate }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'metric'; series: string; step: number; value: number; runId?: number }
  | { type: 'done'; result: unknown }
  | { type: 'cancelled' }
  | { type: 'error'; error: { name: string; message: string } };

/** Messages from the runner to the worker thread. */
export type RunnerToWorker = { type: 'cancel' };

/** What the runner hands the worker at start (worker_threads workerData). */
export interface WorkerStartData {
  jobId: number;
  kind: string;
  handlerModule: string;
  params: unknown;
  checkpoint: unknown;
  projectDir: string;
  dbPath: string;
  /** The worker's native-call gate (app/native-call-gate.ts): the runner terminates it only when no onnxruntime call is in flight. */
  callGate: SharedArrayBuffer;
}
