import { z } from 'zod';
import { event, method } from '../contract.js';
import type { WireError } from '../contract.js';

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobProgress {
  done: number;
  total: number | null;
  /** What done/total count: "passages", "steps", "bytes", … */
  unit: string;
  /** Units per second over a recent window. */
  rate: number | null;
  etaSeconds: number | null;
  /** Short human text: "chapter_012.txt", "epoch 2/3", … */
  message?: string;
}

export interface JobSnapshot {
  id: number;
  kind: string;
  title: string;
  state: JobState;
  progress: JobProgress;
  params: unknown;
  result: unknown;
  error: WireError | null;
  /** True when the job stopped before finishing and can continue from its last checkpoint. */
  resumable: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobLogLine {
  jobId: number;
  time: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface MetricPoint {
  jobId: number;
  runId: number | null;
  series: string;
  step: number;
  value: number;
}

const id = z.number().int().positive();

export const jobsContract = {
  list: method<JobSnapshot[]>()(z.object({ limit: z.number().int().min(1).max(1000).default(100) })),
  get: method<JobSnapshot>()(z.object({ id })),
  /** Generic start: `params` is validated by the schema registered for `kind` in main. */
  start: method<JobSnapshot>()(z.object({ kind: z.string().min(1).max(100), params: z.unknown().default({}) })),
  cancel: method<JobSnapshot>()(z.object({ id })),
  resume: method<JobSnapshot>()(z.object({ id })),
  logs: method<JobLogLine[]>()(z.object({ id, limit: z.number().int().min(1).max(5000).default(500) })),
  kinds: method<Array<{ kind: string; heavy: boolean; title: string }>>()(z.object({})),
  onUpdate: event<JobSnapshot>(),
  onLog: event<JobLogLine>(),
  onMetric: event<MetricPoint>(),
};
