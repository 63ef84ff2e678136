// Search: per-model-version HNSW indexes of the project's passages (status, build), top-k
// retrieval with a model version or BM25, and the recorded evaluation runs.
import { z } from 'zod';
import { method } from '../contract.js';
import type { JobSnapshot } from './jobs.js';
import { workersOptionSchema } from './workers.js';

/** Params of the 'index.build' job kind (validated here so UI, CLI and job agree). */
export const indexBuildParamsSchema = z.object({
  /** models.id of the encoder (base model or fine-tuned version). */
  modelId: z.number().int().positive(),
  /** Re-embed everything even when the index could be updated incrementally. */
  rebuild: z.boolean().default(false),
  M: z.number().int().min(4).max(128).optional(),
  efConstruction: z.number().int().min(8).max(2000).optional(),
  ef: z.number().int().min(1).max(5000).optional(),
  batchSize: z.number().int().min(1).max(1024).default(32),
  /** onnxruntime execution provider for the encoder (absent = 'auto': a GPU provider when one works, else CPU). */
  provider: z.enum(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml']).optional(),
  /** Embed the passages on `genq worker`s taking shards from this Redis (then build here); absent: in-process. */
  workers: workersOptionSchema.optional(),
});
export type IndexBuildParams = z.output<typeof indexBuildParamsSchema>;
export type IndexBuildParamsInput = z.input<typeof indexBuildParamsSchema>;

/** Params of the 'eval.run' job kind. */
export const evalRunParamsSchema = z.object({
  /** Retrievers to compare: 'bm25' and/or models.id values. */
  retrievers: z.array(z.union([z.literal('bm25'), z.number().int().positive()])).min(1).max(8),
  /** A BEIR folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv); absent: the project's held-out queries. */
  beirDir: z.string().trim().min(1).optional(),
  split: z.string().trim().min(1).default('test'),
  /** onnxruntime execution provider for the model retrievers (absent = 'auto'); an explicit one that fails is an error. */
  provider: z.enum(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml']).optional(),
});
export type EvalRunParams = z.output<typeof evalRunParamsSchema>;

export const EVAL_METRIC_NAMES = ['mrr@10', 'ndcg@10', 'recall@1', 'recall@10', 'recall@100', 'map@100'] as const;
export type EvalMetricName = (typeof EVAL_METRIC_NAMES)[number];

/** One retriever's result in an evaluation (also each eval run's summary). */
export interface EvalResultRow {
  retriever: string;
  modelId: number | null;
  /** Means over evaluated queries, as pytrec_eval/BEIR compute them. */
  metrics: Record<EvalMetricName, number>;
  evaluatedQueries: number;
  /** Queries without any relevant document (skipped, as BEIR does). */
  skippedNoRelevant: number;
  queriesPerSecond: number;
  /** Dense retrievers only: recall@10 of HNSW against exact search on these queries. */
  hnswRecallAt10: number | null;
  /** Model retrievers: the execution provider that embedded the queries and why preferred ones were not used (absent for bm25 and older runs). */
  device?: { provider: string; fallbackReasons: string[] };
  runId: number | null;
}

/** The result of an 'eval.run' job. */
export interface EvalReport {
  dataset: { kind: 'held-out' | 'beir'; dir: string | null; split: string | null; queries: number; corpus: number };
  results: EvalResultRow[];
}

/** Params of the 'map.build' job kind: a 2D UMAP projection of a model version's embeddings. */
export const mapBuildParamsSchema = z.object({
  modelId: z.number().int().positive(),
  /** Passages projected (an even sample of the index when it holds more). */
  maxPassages: z.number().int().min(10).max(50_000).default(3000),
  /** Also project the (non-rejected) queries of the sampled passages. */
  includeQueries: z.boolean().default(true),
  nNeighbors: z.number().int().min(2).max(200).default(15),
  minDist: z.number().min(0).max(1).default(0.1),
  seed: z.number().int().default(42),
});
export type MapBuildParams = z.output<typeof mapBuildParamsSchema>;

export interface EmbeddingMapPoint {
  kind: 'passage' | 'query';
  /** passages.id or queries.id */
  id: number;
  passageId: number;
  documentId: number;
  /** Curation status of a query; null for passages. */
  status: 'pending' | 'accepted' | 'rejected' | null;
  x: number;
  y: number;
  /** The first ~200 characters, for hover. */
  snippet: string;
}

export interface EmbeddingMap {
  modelId: number;
  builtAt: string;
  /** Passages in the index when the map was built (the map may show a sample). */
  indexedPassages: number;
  points: EmbeddingMapPoint[];
}

export interface IndexInfo {
  modelId: number;
  modelName: string;
  exists: boolean;
  stale: boolean;
  modelChanged: boolean;
  /** Why it is stale ("3 passages added", "the model files changed …"). */
  reasons: string[];
  passages: number;
  params: { M: number; efConstruction: number; ef: number } | null;
  builtAt: string | null;
  updatedAt: string | null;
}

export interface SearchHit {
  rank: number;
  passageId: number;
  score: number;
  documentId: number;
  documentTitle: string | null;
  sourcePath: string | null;
  title: string | null;
  text: string;
}

export interface SearchResponse {
  retriever: string;
  hits: SearchHit[];
  /** Retrieval time (embedding the query + index search), without loading. */
  milliseconds: number;
}

export interface EvalRunInfo {
  runId: number;
  /** The 'eval.run' job that recorded it: runs of one job are one evaluation (one row per retriever). */
  jobId: number | null;
  name: string | null;
  modelId: number | null;
  createdAt: string;
  config: unknown;
  summary: unknown;
}

/** 'bm25' or a models.id. */
export const retrieverIdSchema = z.union([z.literal('bm25'), z.number().int().positive()]);
export type RetrieverId = z.infer<typeof retrieverIdSchema>;

export const searchContract = {
  /** One entry per encoder model of the project, with its index status. */
  indexes: method<IndexInfo[]>()(z.object({})),
  /** Starts an 'index.build' job. */
  buildIndex: method<JobSnapshot>()(indexBuildParamsSchema),
  query: method<SearchResponse>()(
    z.object({ retriever: retrieverIdSchema, query: z.string().max(4000), k: z.number().int().min(1).max(1000).default(10) }),
  ),
  /** Starts an 'eval.run' job; its result is the evaluation report, and each retriever's row is recorded as an eval run. */
  evaluate: method<JobSnapshot>()(evalRunParamsSchema),
  /** Starts a 'map.build' job (UMAP of the model's passage and query embeddings). */
  buildMap: method<JobSnapshot>()(mapBuildParamsSchema),
  /** The last map built for a model version, or null. */
  embeddingMap: method<EmbeddingMap | null>()(z.object({ modelId: z.number().int().positive() })),
  evalRuns: method<EvalRunInfo[]>()(z.object({ limit: z.number().int().min(1).max(1000).default(100) })),
};
