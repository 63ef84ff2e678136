// Evaluation results for display: recorded eval runs grouped into evaluations (one per job, one
// row per retriever), metric labels and formatting, and the rows recharts plots.
import { EVAL_METRIC_NAMES, type EvalMetricName, type EvalReport, type EvalResultRow, type EvalRunInfo } from '../../../shared/services/search.js';

export const METRIC_LABELS: Record<EvalMetricName, string> = {
  'mrr@10': 'MRR@10',
  'ndcg@10': 'nDCG@10',
  'recall@1': 'Recall@1',
  'recall@10': 'Recall@10',
  'recall@100': 'Recall@100',
  'map@100': 'MAP@100',
};

export const formatMetric = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4));

export interface Evaluation {
  /** "job 12", or "run 40" for runs recorded outside a job. */
  key: string;
  jobId: number | null;
  /** Evaluations numbered in this project, oldest first: "Evaluation #1" is the first one. */
  number: number;
  createdAt: string;
  dataset: EvalReport['dataset'] | null;
  rows: EvalResultRow[];
}

function isResultRow(v: unknown): v is EvalResultRow {
  const r = v as EvalResultRow | null;
  return !!r && typeof r.retriever === 'string' && !!r.metrics && EVAL_METRIC_NAMES.every((m) => typeof r.metrics[m] === 'number');
}

/** Models by the names people gave them: the eval job labels a model "tiny-bert (model 2)" (the id is for the command line). */
export function retrieverDisplayName(name: string): string {
  return name.replace(/ \(model \d+\)$/, '');
}

/** Runs (newest first, as evalRuns lists them) → evaluations, newest first; rows keep the order the job evaluated them in. */
export function groupEvalRuns(runs: readonly EvalRunInfo[]): Evaluation[] {
  const groups = new Map<string, Evaluation>();
  for (const run of runs) {
    if (!isResultRow(run.summary)) continue; // not written by the eval job (or an older shape)
    const key = run.jobId !== null ? `job ${run.jobId}` : `run ${run.runId}`;
    const config = run.config as { dataset?: EvalReport['dataset'] } | null;
    let group = groups.get(key);
    if (!group) {
      group = { key, jobId: run.jobId, number: 0, createdAt: run.createdAt, dataset: config?.dataset ?? null, rows: [] };
      groups.set(key, group);
    }
    group.rows.push({ ...run.summary, retriever: retrieverDisplayName(run.summary.retriever), runId: run.runId });
    if (run.createdAt < group.createdAt) group.createdAt = run.createdAt;
  }
  for (const g of groups.values()) g.rows.sort((a, b) => (a.runId ?? 0) - (b.runId ?? 0));
  const list = [...groups.values()];
  list.forEach((g, i) => (g.number = list.length - i));
  return list;
}

/** "BEIR beir-sotu-mini (test)" or "held-out queries"; with query and corpus counts. */
export function datasetLabel(dataset: EvalReport['dataset'] | null): string {
  if (!dataset) return 'unknown data';
  const counts = `${dataset.queries} queries, ${dataset.corpus} ${dataset.kind === 'beir' ? 'documents' : 'passages'}`;
  if (dataset.kind === 'held-out') return `held-out queries · ${counts}`;
  const name = dataset.dir?.split(/[\\/]/).filter(Boolean).pop() ?? 'BEIR';
  return `BEIR ${name}${dataset.split ? ` (${dataset.split})` : ''} · ${counts}`;
}

/** The best value of each metric among the rows (to emphasise it in the table). */
export function bestByMetric(rows: readonly EvalResultRow[]): Record<EvalMetricName, number> {
  const best = {} as Record<EvalMetricName, number>;
  for (const m of EVAL_METRIC_NAMES) best[m] = Math.max(...rows.map((r) => r.metrics[m]));
  return best;
}

/** One chart row per metric, one key per retriever: recharts' grouped bars. */
export function metricsChartData(rows: readonly EvalResultRow[]): Array<Record<string, string | number>> {
  return EVAL_METRIC_NAMES.map((m) => {
    const row: Record<string, string | number> = { metric: METRIC_LABELS[m] };
    for (const r of rows) row[r.retriever] = r.metrics[m];
    return row;
  });
}

/** One chart row per evaluation (oldest first), one key per retriever, for one metric. */
export function historyChartData(evaluations: readonly Evaluation[], metric: EvalMetricName): Array<Record<string, string | number>> {
  return [...evaluations].reverse().map((e) => {
    const row: Record<string, string | number> = { run: `#${e.number}` };
    for (const r of e.rows) row[r.retriever] = r.metrics[metric];
    return row;
  });
}

/** Every retriever name in the evaluations, in first-seen order (chart series). */
export function retrieverNames(evaluations: readonly Evaluation[]): string[] {
  const names = new Set<string>();
  for (const e of evaluations) for (const r of e.rows) names.add(r.retriever);
  return [...names];
}

const PALETTE = ['#3b5bdb', '#2b8a3e', '#e8590c', '#ae3ec9', '#0c8599', '#c92a2a', '#5c940d', '#862e9c'];
export const seriesColor = (index: number) => PALETTE[index % PALETTE.length];
