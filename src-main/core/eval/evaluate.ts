// Runs a retriever over a query set and scores the run with metrics.ts. A retriever is anything
// that returns scored doc ids for a query text: BM25 over the corpus, or an encoder + HNSW index.
import { Bm25Index, type Bm25Params } from '../index/bm25.js';
import { evaluateRun, type Qrels, type Run, type RunEvaluation, type ScoredDoc } from './metrics.js';

export interface Retriever {
  /** Shown in result tables: "BM25", "base (model 3)", … */
  name: string;
  search(query: string, k: number): ScoredDoc[] | Promise<ScoredDoc[]>;
}

export interface EvalQuery {
  id: string;
  text: string;
}

export interface EvaluateOptions {
  /** Results retrieved per query; 100 so that Recall@100 and MAP@100 see the full depth. */
  k?: number;
  signal?: AbortSignal;
  /** Called after every query. */
  onProgress?(done: number, total: number): void;
}

export interface RetrieverEvaluation extends RunEvaluation {
  retriever: string;
  queries: number;
  /** Retrieval throughput over the whole query set (search calls only). */
  queriesPerSecond: number;
  run: Run;
}

export class EvaluationAbortedError extends Error {
  override name = 'EvaluationAbortedError';
}

export async function evaluateRetriever(
  retriever: Retriever,
  queries: readonly EvalQuery[],
  qrels: Qrels,
  options: EvaluateOptions = {},
): Promise<RetrieverEvaluation> {
  const k = options.k ?? 100;
  const run: Run = Object.create(null) as Run;
  let searchMs = 0;
  for (let i = 0; i < queries.length; i++) {
    if (options.signal?.aborted) throw new EvaluationAbortedError(`evaluation of ${retriever.name} cancelled after ${i} queries`);
    const started = performance.now();
    run[queries[i].id] = await retriever.search(queries[i].text, k);
    searchMs += performance.now() - started;
    options.onProgress?.(i + 1, queries.length);
  }
  return {
    retriever: retriever.name,
    queries: queries.length,
    queriesPerSecond: searchMs > 0 ? (queries.length * 1000) / searchMs : 0,
    run,
    ...evaluateRun(run, qrels),
  };
}

export interface CorpusDoc {
  id: string;
  title?: string;
  text: string;
}

/** BM25 over `docs`; the title is indexed with the text, as Anserini's BEIR baselines do. */
export function bm25Retriever(docs: Iterable<CorpusDoc>, params?: Partial<Bm25Params>, name = 'BM25'): Retriever & { index: Bm25Index } {
  const index = new Bm25Index(params);
  for (const doc of docs) index.add(doc.id, doc.title ? `${doc.title}\n${doc.text}` : doc.text);
  return { name, index, search: (query, k) => index.search(query, k) };
}
