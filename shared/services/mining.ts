// GPL hard-negative mining: 'mining.run' jobs that retrieve hard negatives for the project's
// queries (BM25 and/or project encoders), label them with a cross-encoder's margins, and the reads
// and false-negative drops the Mine page needs. One params schema for the CLI, the API and the job.
import { z } from 'zod';
import { method } from '../contract.js';
import type { JobSnapshot } from './jobs.js';
import { workersOptionSchema } from './workers.js';

export const miningRetrieverSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bm25') }),
  /** A project encoder: its HNSW index when fresh, else exact search over freshly embedded passages. */
  z.object({ kind: z.literal('model'), modelId: z.number().int().positive() }),
]);
export type MiningRetriever = z.output<typeof miningRetrieverSchema>;

const retrieverKey = (r: MiningRetriever) => (r.kind === 'bm25' ? 'bm25' : `model ${r.modelId}`);

export const miningParamsSchema = z
  .object({
    retrievers: z.array(miningRetrieverSchema).min(1).max(8),
    /** A project model with role 'cross-encoder'. */
    crossEncoderId: z.number().int().positive(),
    /** Passages taken from each retriever per query (GPL: 50). */
    k: z.number().int().min(1).max(1000).default(50),
    /** Negatives kept per query, sampled from the retrievers' union with `seed`. */
    negativesPerQuery: z.number().int().min(1).max(1000).default(10),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
    /** Cross-encoder pairs and encoder texts per forward pass. */
    batchSize: z.number().int().min(1).max(1024).default(32),
    threads: z.number().int().min(1).max(256).optional(),
    /** onnxruntime execution provider for the encoders and the cross-encoder run here (absent = 'auto'); an explicit one that fails is an error. */
    provider: z.enum(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml']).optional(),
    /** Queries whose rows commit together with the job's checkpoint. */
    queriesPerBatch: z.number().int().min(1).max(10_000).default(64),
    /** Run the cross-encoder labelling on `genq worker`s (one shard = one batch of queriesPerBatch); absent: in-process. */
    workers: workersOptionSchema.omit({ shardSize: true }).optional(),
  })
  .refine((p) => new Set(p.retrievers.map(retrieverKey)).size === p.retrievers.length, { message: 'each retriever may be given once', path: ['retrievers'] });
export type MiningParams = z.output<typeof miningParamsSchema>;
export type MiningParamsInput = z.input<typeof miningParamsSchema>;

export interface MarginStats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** What a finished mining job returns (and what its run's summary holds). */
export interface MiningReport {
  runId: number;
  /** Queries with at least one mined negative. */
  queries: number;
  /** (query, positive, negative) candidates stored, dropped ones included. */
  triplets: number;
  dropped: number;
  /** Over the kept (not dropped) candidates; null when there are none. */
  margins: MarginStats | null;
  /** Share of stored negatives found by BM25 and by a dense retriever (null unless both ran). */
  bm25DenseAgreement: number | null;
  retrievers: string[];
  crossEncoder: string;
  seconds: number;
  /** Seconds per part of the mining job (absent in reports recomputed after it). */
  timings?: { bm25: number; dense: number; crossEncoder: number; other: number };
  /**
   * Which execution provider ran each model in this process and why preferred ones were not used,
   * keyed by retriever name and 'cross-encoder' (absent in recomputed reports; on workers the
   * cross-encoder's device is the worker's, shown on the Workers page).
   */
  devices?: Record<string, { provider: string; fallbackReasons: string[] }>;
}

export interface MiningRunInfo {
  id: number;
  jobId: number | null;
  state: 'running' | 'done';
  config: MiningParams & { retrieverNames: string[]; crossEncoder: string };
  summary: MiningReport | null;
  createdAt: string;
}

export interface MinedQuery {
  queryId: number;
  query: string;
  positiveId: number;
  positive: string;
  cePositive: number;
  negatives: number;
  dropped: number;
  /** Smallest margin among kept negatives (the likeliest false negative), null if all dropped. */
  minMargin: number | null;
}

export interface MinedNegative {
  passageId: number;
  text: string;
  ceScore: number;
  margin: number;
  /** Per retriever of the run (names as in MiningRunInfo.config.retrieverNames): 1-based rank or null. */
  ranks: Array<number | null>;
  dropped: boolean;
  droppedReason: string | null;
}

const runId = z.number().int().positive().optional();

export const miningContract = {
  start: method<JobSnapshot>()(miningParamsSchema),
  /** Newest first. */
  runs: method<MiningRunInfo[]>()(z.object({})),
  /** The run's report recomputed now (drops change it); the newest run when runId is absent. */
  report: method<MiningReport | null>()(z.object({ runId })),
  /** Mined queries of a run, ordered by their smallest kept margin (likeliest false negatives first). */
  queries: method<{ total: number; rows: MinedQuery[] }>()(
    z.object({ runId, offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(50), search: z.string().max(500).optional() }),
  ),
  negatives: method<MinedNegative[]>()(z.object({ runId, queryId: z.number().int().positive() })),
  /** Drop (or restore) one negative as a false negative. */
  setDropped: method<{ changed: number }>()(z.object({ runId, queryId: z.number().int().positive(), passageId: z.number().int().positive(), dropped: z.boolean() })),
  /** Drop every kept negative whose margin is below `threshold`; with preview only count them. */
  dropBelow: method<{ count: number }>()(z.object({ runId, threshold: z.number().finite(), preview: z.boolean().default(false) })),
};
