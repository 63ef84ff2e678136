// Distributed stages (issue 16): generation and corpus embedding sharded over `genq worker`s that
// take work from a Redis/BullMQ queue. The Workers panel lists the connected workers (from their
// Redis heartbeats) and the project's distributed stages with shards per worker, and pauses,
// resumes or cancels a stage. One params schema for the CLI, the API and the job kind.
import { z } from 'zod';
import { method } from '../contract.js';
import { generationRunParamsSchema } from './generation.js';
import type { JobSnapshot } from './jobs.js';

function isRedisUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'redis:' || u.protocol === 'rediss:';
  } catch {
    return false;
  }
}

export const redisUrlSchema = z.string().refine(isRedisUrl, 'must be a redis://[user:password@]host:port[/db] or rediss:// (TLS) URL');

export const workersOptionSchema = z.object({
  /** redis:// or rediss:// URL of the queue the workers take shards from. */
  redisUrl: redisUrlSchema,
  /** Passages per shard (default: 8 batches, as the in-process job chunks them). */
  shardSize: z.number().int().min(1).max(100_000).optional(),
  queue: z.string().min(1).max(200).optional(),
  /** Shards on the queue at once. */
  window: z.number().int().min(1).max(10_000).optional(),
  resyncMs: z.number().int().min(50).max(60_000).optional(),
});
export type WorkersOption = z.output<typeof workersOptionSchema>;

export const distributedGenerationParamsSchema = z.object({ run: generationRunParamsSchema, workers: workersOptionSchema });
export type DistributedGenerationParams = z.output<typeof distributedGenerationParamsSchema>;

/** What a worker shows in the registry (refreshed every heartbeat; gone when it stops beating). */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  /** The --provider it was started with (auto, cpu, cuda, webgpu, …). */
  provider: string;
  /** Providers its loaded sessions actually run on. */
  devices: string[];
  concurrency: number;
  running: number;
  shardsDone: number;
  shardsFailed: number;
  passagesDone: number;
  /** Passages per second over its recent shards (compute time only). */
  passagesPerSecond: number;
  lastError: string | null;
  startedAt: string;
  lastSeen: string;
}

export interface StageWorkerShards {
  worker: string;
  device: string | null;
  done: number;
  running: number;
  failed: number;
  passages: number;
  /** Compute seconds of its done shards. */
  seconds: number;
}

export type StageState = 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface StageStatus {
  id: number;
  kind: 'generate' | 'embed' | 'mine';
  state: StageState;
  jobId: number | null;
  runId: number | null;
  modelId: number | null;
  /** The Redis URL, password hidden. */
  redis: string | null;
  shards: number;
  passages: number;
  shardsDone: number;
  shardsRunning: number;
  shardsFailed: number;
  passagesDone: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  perWorker: StageWorkerShards[];
}

export interface WorkersStatus {
  /** The Redis asked (password hidden), or null when none is known yet. */
  redis: string | null;
  /** Whether that Redis answered. */
  connected: boolean;
  error: string | null;
  workers: WorkerInfo[];
  stages: StageStatus[];
}

const stageId = z.number().int().positive();

export const workersContract = {
  /** Connected workers (from `redisUrl`, else the newest stage's job) and the project's recent stages. */
  status: method<WorkersStatus>()(z.object({ redisUrl: redisUrlSchema.optional(), limit: z.number().int().min(1).max(200).default(10) })),
  /** The generation run of generation.start, its passages sharded over workers. */
  startGeneration: method<JobSnapshot>()(distributedGenerationParamsSchema),
  /** Takes the stage's waiting shards off the queue (running ones finish); resume puts them back. */
  pause: method<StageStatus>()(z.object({ stageId })),
  resume: method<StageStatus>()(z.object({ stageId })),
  /** Ends the stage (its job too); results written so far stay. */
  cancel: method<StageStatus>()(z.object({ stageId })),
};
