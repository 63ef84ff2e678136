// What travels through Redis between the coordinating process and `genq worker`s. One BullMQ
// queue holds every project's shards (workers need only the Redis URL); each stage has its own
// results queue, consumed by its coordinator, so results survive a coordinator restart and never
// reach another project. Shard job ids are `<stage queue key>-<shard>`: adding a shard that is
// already queued is a no-op, which is what makes re-enqueueing after a Redis restart safe.
import { z } from 'zod';
import { generationSettingsSchema } from '../../../shared/services/generation.js';
import { miningShardQuerySchema } from '../mining/mining-shard.js';
import type { MinedQueryRow } from '../mining/store.js';

export const DEFAULT_SHARD_QUEUE = 'genq-shards';
export const resultsQueueName = (queueKey: string) => `genq-results-${queueKey}`;
export const shardJobId = (queueKey: string, shard: number) => `${queueKey}-${shard}`;

/** The model a shard needs: a folder on a path every worker shares, or a Hub repo at a pinned commit in the worker's cache. */
export const modelRefSchema = z.object({
  name: z.string(),
  /** The coordinator's folder; used when the worker sees the same path (shared file system). */
  path: z.string(),
  /** Hub repo id (OWNER/NAME) when the model came from the Hub. */
  repo: z.string().nullable(),
  /** The commit the project pinned; the worker loads exactly this snapshot from its cache. */
  revision: z.string().nullable(),
});
export type ModelRef = z.infer<typeof modelRefSchema>;

const passageSchema = z.object({ key: z.number().int(), text: z.string() });

/** What every shard job carries, whatever its kind: its stage's queue, its index, the model, and the retry bookkeeping. */
const shardEnvelope = {
  queueKey: z.string(),
  shard: z.number().int().min(0),
  model: modelRefSchema,
  /** Workers that could not load the model (the shard is left to the others). */
  refusedBy: z.array(z.string()).default([]),
  deferrals: z.number().int().default(0),
};

export const shardJobSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('generate'),
    ...shardEnvelope,
    settings: generationSettingsSchema,
    passages: z.array(passageSchema),
  }),
  z.object({
    kind: z.literal('embed'),
    ...shardEnvelope,
    batchSize: z.number().int().min(1),
    /** The project's query/passage prefixes for this model (embedPassages applies the passage one). */
    prefixes: z.object({ query: z.string(), passage: z.string() }),
    passages: z.array(passageSchema),
  }),
  z.object({
    /** Cross-encoder labelling of one mining batch: the texts of each query, its positive and negatives. */
    kind: z.literal('mine'),
    ...shardEnvelope,
    batchSize: z.number().int().min(1),
    queries: z.array(miningShardQuerySchema),
  }),
]);
export type ShardJob = z.infer<typeof shardJobSchema>;

/** A generated passage: kept queries with their sequence index, duplicates and empties counted (PassageQueries). */
export interface GeneratedPassage {
  key: number;
  queries: Array<{ seq: number; text: string }>;
  duplicates: number;
  empty: number;
}

/** An embedded passage: its vector as base64 of Float32 little-endian bytes. */
export interface EmbeddedPassage {
  key: number;
  vector: string;
}

/** A labelled mining query (keyed by its query id in dist_results): the row insertMinedQueries stores. */
export interface ScoredQuery {
  key: number;
  row: MinedQueryRow;
}

/** What a shard holds, whatever its kind (passages, or queries for a mining shard). */
export const shardItems = (job: ShardJob): number => (job.kind === 'mine' ? job.queries.length : job.passages.length);

export interface ShardResult {
  shard: number;
  worker: string;
  /** The execution provider the worker's session ran on (cpu, cuda, webgpu, …). */
  device: string;
  /** Compute time on the worker (model load excluded). */
  seconds: number;
  passages: GeneratedPassage[] | EmbeddedPassage[] | ScoredQuery[];
}

export type { WorkerInfo } from '../../../shared/services/workers.js';

export const vectorToBase64 = (v: Float32Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
export function vectorFromBase64(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}
