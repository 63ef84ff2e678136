// Evaluates several retrievers (BM25, model versions) on one query set: the project's held-out
// split, or a BEIR folder. Dense retrievers also report HNSW recall@10 against exact search on
// the same queries, so an index that loses neighbours is visible beside the metrics. Results
// can be recorded as 'eval' runs with one metric point per metric.
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { EvalReport, EvalResultRow } from '../../../shared/services/search.js';
import { projectModelPrefixes } from '../models/prefixes.js';
import { deviceMemoryNote } from '../models/device-memory.js';
import { describeDevice, type ProviderChoice } from '../models/session.js';
import { splitInfo } from '../curation/splits.js';
import { readBeirFolder } from './beir.js';
import { bm25Retriever, evaluateRetriever, type EvalQuery, type Retriever } from './evaluate.js';
import { heldOutEvalSet } from './held-out.js';
import { METRIC_NAMES, type Qrels } from './metrics.js';
import { corpusDenseRetriever, hnswRecallAgainstExact, modelRow, projectBm25Retriever, projectDenseRetriever, type DenseRetriever } from './retrievers.js';

export type { EvalReport, EvalResultRow };

export type RetrieverSpec = { kind: 'bm25' } | { kind: 'model'; modelId: number };

export interface EvalRequest {
  projectDir: string;
  db: Database.Database;
  retrievers: RetrieverSpec[];
  /** Evaluate on this BEIR folder instead of the project's held-out split. */
  beirDir?: string;
  split?: string;
  /** Execution provider for the model retrievers (default 'auto'); an explicit one that fails is an error. */
  provider?: ProviderChoice;
  /** Queries used for the HNSW-vs-exact recall check (default 200). */
  recallQueries?: number;
  record?: boolean;
  /** Stored in runs.job_id when recording from a job. */
  jobId?: number;
  signal?: AbortSignal;
  /** Queries evaluated so far over all retrievers. */
  onProgress?(done: number, total: number, retriever: string): void;
  log?(message: string): void;
}

export class EvalSetupError extends Error {
  override name = 'EvalSetupError';
}

export async function runEvaluation(req: EvalRequest): Promise<EvalReport> {
  const beir = req.beirDir ? await readBeirFolder(req.beirDir, req.split ?? 'test') : null;
  let queries: EvalQuery[];
  let qrels: Qrels;
  let corpusSize: number;
  if (beir) {
    ({ queries, qrels } = beir);
    corpusSize = beir.corpus.length;
  } else {
    ({ queries, qrels } = heldOutEvalSet(req.db));
    corpusSize = (req.db.prepare('SELECT count(*) AS n FROM passages').get() as { n: number }).n;
    if (queries.length === 0) throw new EvalSetupError(missingHeldOut(req.db));
  }
  const dataset: EvalReport['dataset'] = { kind: beir ? 'beir' : 'held-out', dir: req.beirDir ?? null, split: beir ? beir.split : null, queries: queries.length, corpus: corpusSize };
  req.log?.(`evaluating ${req.retrievers.length} retriever(s) on ${queries.length} queries over ${corpusSize} ${beir ? 'BEIR documents' : 'passages'}`);

  const results: EvalResultRow[] = [];
  for (const spec of req.retrievers) {
    let retriever: Retriever;
    let dense: DenseRetriever | null = null;
    if (spec.kind === 'bm25') {
      retriever = beir ? bm25Retriever(beir.corpus) : projectBm25Retriever(req.db);
    } else if (beir) {
      const model = modelRow(req.db, spec.modelId);
      req.log?.(`embedding ${beir.corpus.length} BEIR documents with ${model.name}`);
      retriever = dense = await corpusDenseRetriever(`${model.name} (model ${model.id})`, model.path, beir.corpus, {
        cacheDir: join(req.projectDir, 'models'),
        prefixes: projectModelPrefixes(req.db, model.id),
        provider: req.provider,
        signal: req.signal,
      });
    } else {
      retriever = dense = await projectDenseRetriever(req.projectDir, req.db, spec.modelId, { provider: req.provider });
    }
    if (dense) req.log?.(`${dense.name}: encoder on ${describeDevice(dense.embedder.device)}${await deviceMemoryNote(dense.embedder.device.provider)}`);
    try {
      const offset = results.length * queries.length;
      const total = req.retrievers.length * queries.length;
      const evaluation = await evaluateRetriever(retriever, queries, qrels, {
        signal: req.signal,
        onProgress: (done) => req.onProgress?.(offset + done, total, retriever.name),
      });
      const recallQueries = queries.slice(0, req.recallQueries ?? 200).map((q) => q.text);
      const hnswRecallAt10 = dense ? await hnswRecallAgainstExact(dense, recallQueries, 10) : null;
      const row: EvalResultRow = {
        retriever: retriever.name,
        modelId: spec.kind === 'model' ? spec.modelId : null,
        metrics: evaluation.mean,
        evaluatedQueries: evaluation.evaluatedQueries,
        skippedNoRelevant: evaluation.skippedNoRelevant,
        queriesPerSecond: evaluation.queriesPerSecond,
        hnswRecallAt10,
        ...(dense ? { device: dense.embedder.device } : {}),
        runId: null,
      };
      if (req.record) row.runId = recordRun(req.db, dataset, row, req.jobId ?? null);
      req.log?.(`${row.retriever}: nDCG@10 ${row.metrics['ndcg@10'].toFixed(4)}, MRR@10 ${row.metrics['mrr@10'].toFixed(4)}`);
      results.push(row);
    } finally {
      await dense?.release();
    }
  }
  return { dataset, results };
}

/** What stops a held-out evaluation, said so that the user knows the next step. */
export function missingHeldOut(db: Database.Database): string {
  const split = splitInfo(db);
  if (split.evalPassages === 0) {
    return 'no held-out split yet: make a held-out split on Curate (or `genq curate --split 0.1`) so that some passages and their queries are kept out of training, or evaluate on a BEIR folder';
  }
  const q = split.evalQueries;
  if (q.total === 0) {
    return `the held-out split has ${split.evalPassages} passage(s) but no queries on them: generate queries for every passage (Generate, scope "all"), or make a new split after generating`;
  }
  return `all ${q.total} queries on the ${split.evalPassages} held-out passage(s) are rejected: un-reject some on Curate (filter split = eval) or make a new split`;
}

function recordRun(db: Database.Database, dataset: EvalReport['dataset'], row: EvalResultRow, jobId: number | null): number {
  return db.transaction(() => {
    const runId = Number(
      db
        .prepare("INSERT INTO runs (kind, name, job_id, model_id, config, summary) VALUES ('eval', ?, ?, ?, ?, ?)")
        .run(`eval ${row.retriever}`, jobId, row.modelId, JSON.stringify({ dataset, retriever: row.retriever }), JSON.stringify({ ...row, runId: undefined })).lastInsertRowid,
    );
    const point = db.prepare('INSERT INTO metric_points (run_id, series, step, value) VALUES (?, ?, 0, ?)');
    for (const name of METRIC_NAMES) point.run(runId, name, row.metrics[name]);
    if (row.hnswRecallAt10 !== null) point.run(runId, 'hnsw_recall@10', row.hnswRecallAt10);
    return runId;
  }).immediate();
}
