// Retrievers over the project's passages (saved HNSW index of a model version, or BM25) and over
// an external corpus such as a BEIR dataset (embedded into an in-memory index), plus the HNSW
// recall check against exact search that is reported beside the metrics.
import type Database from 'better-sqlite3';
import { Embedder } from '../models/embedder.js';
import type { ModelPrefixes } from '../models/prefixes.js';
import { loadProjectEncoder } from '../models/project-encoder.js';
import { projectModelOfRole } from '../models/project-model.js';
import type { ProviderChoice } from '../models/session.js';
import { ExactIndex } from '../index/exact.js';
import { HnswIndex, type HnswParams } from '../index/hnsw.js';
import { loadIndex, passageEmbeddingText } from '../index/index-store.js';
import { bm25Retriever, type CorpusDoc, type Retriever } from './evaluate.js';

export interface DenseRetriever extends Retriever {
  index: HnswIndex;
  embedder: Embedder;
  /** Doc id (as reported in results) of each HNSW label. */
  docIdOf(label: number): string;
  release(): Promise<void>;
}

export class RetrieverSetupError extends Error {
  override name = 'RetrieverSetupError';
}

export function modelRow(db: Database.Database, modelId: number): { id: number; name: string; role: string; path: string } {
  return projectModelOfRole(db, modelId, 'encoder', RetrieverSetupError);
}

function denseRetriever(name: string, embedder: Embedder, index: HnswIndex, docIdOf: (label: number) => string): DenseRetriever {
  return {
    name,
    index,
    embedder,
    docIdOf,
    async search(query, k) {
      const [vector] = await embedder.embedQueries([query]);
      return index.search(vector, k).map((n) => ({ id: docIdOf(n.id), score: n.score }));
    },
    release: () => embedder.release(),
  };
}

/** The saved index of model `modelId` with its encoder; doc ids are passage ids as strings. */
export async function projectDenseRetriever(projectDir: string, db: Database.Database, modelId: number, opts: { provider?: ProviderChoice } = {}): Promise<DenseRetriever> {
  const model = modelRow(db, modelId);
  const { index } = loadIndex(projectDir, modelId);
  const embedder = await loadProjectEncoder(projectDir, db, model, { provider: opts.provider });
  return denseRetriever(`${model.name} (model ${modelId})`, embedder, index, String);
}

/** BM25 over the project's passages; doc ids are passage ids as strings. */
export function projectBm25Retriever(db: Database.Database): Retriever {
  const rows = db.prepare('SELECT id, title, text FROM passages ORDER BY id').iterate() as Iterable<{ id: number; title: string | null; text: string }>;
  const docs = function* (): Generator<CorpusDoc> {
    for (const row of rows) yield { id: String(row.id), title: row.title ?? undefined, text: row.text };
  };
  return bm25Retriever(docs());
}

/** Embeds an external corpus (e.g. BEIR) with a model folder into an in-memory HNSW index. */
export async function corpusDenseRetriever(
  name: string,
  modelPath: string,
  docs: readonly CorpusDoc[],
  opts: { cacheDir?: string; prefixes?: ModelPrefixes; params?: Partial<HnswParams>; batchSize?: number; provider?: ProviderChoice; signal?: AbortSignal; onProgress?(done: number, total: number): void } = {},
): Promise<DenseRetriever> {
  const embedder = await Embedder.load(modelPath, { cacheDir: opts.cacheDir, prefixes: opts.prefixes, provider: opts.provider });
  let index: HnswIndex | null = null;
  const step = (opts.batchSize ?? 32) * 8;
  try {
    for (let start = 0; start < docs.length; start += step) {
      if (opts.signal?.aborted) throw new RetrieverSetupError(`embedding the corpus for ${name} was cancelled`);
      const slice = docs.slice(start, start + step);
      const vectors = await embedder.embedPassages(slice.map((d) => passageEmbeddingText({ title: d.title ?? null, text: d.text })), { batchSize: opts.batchSize });
      const dim = vectors[0].length;
      index ??= HnswIndex.create(dim, opts.params, docs.length);
      const flat = new Float32Array(slice.length * dim); // [slice, dim]
      vectors.forEach((v, i) => flat.set(v, i * dim));
      index.add(slice.map((_, i) => start + i), flat);
      opts.onProgress?.(start + slice.length, docs.length);
    }
  } catch (error) {
    await embedder.release();
    throw error;
  }
  if (!index) throw new RetrieverSetupError(`corpus for ${name} is empty`);
  return denseRetriever(name, embedder, index, (label) => docs[label].id);
}

/** Mean recall@k of the HNSW index against exact search over its own stored vectors. */
export async function hnswRecallAgainstExact(retriever: DenseRetriever, queries: readonly string[], k = 10): Promise<number> {
  const { index, embedder } = retriever;
  if (queries.length === 0 || index.size === 0) return 1;
  const ids = index.ids();
  const vectors = new Float32Array(ids.length * index.dim); // [live, dim]
  ids.forEach((id, row) => vectors.set(index.vectorOf(id), row * index.dim));
  const exact = new ExactIndex(index.dim, ids, vectors);
  const queryVectors = await embedder.embedQueries(queries);
  let hits = 0;
  let wanted = 0;
  for (const vector of queryVectors) {
    const truth = new Set(exact.search(vector, k).map((n) => n.id));
    wanted += truth.size;
    hits += index.search(vector, k).filter((n) => truth.has(n.id)).length;
  }
  return wanted > 0 ? hits / wanted : 1;
}
