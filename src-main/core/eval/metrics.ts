// Retrieval metrics computed the way pytrec_eval (which embeds NIST trec_eval 9.0.x) and BEIR
// compute them, so numbers here can be compared with published BEIR tables.
//
// What trec_eval does, and so what this file does (usnistgov/trec_eval):
// - Ranking: form_res_rels.c sorts a query's results with comp_sim_docno: score descending, and
//   ties broken by `strcmp(p2->docno, p1->docno)`, i.e. doc id DESCENDING in byte order. The rank
//   a retriever reported is ignored; only scores and ids matter.
// - Relevant means qrel value >= relevance_level (1). Docs absent from the qrels count as
//   non-relevant. num_rel counts all relevant qrels of the query, retrieved or not.
// - ndcg_cut (m_ndcg_cut.c): gain = the qrel value itself (linear gain), discount log2(rank + 1)
//   with rank starting at 1 ("i+2 since doc i has rank i+1"); the ideal DCG uses the query's qrel
//   values sorted descending, cut at the same depth.
// - map_cut (m_map_cut.c): sum of precision at each relevant retrieved doc within the cutoff,
//   divided by num_rel (not by the number retrieved).
// - recall_k (m_recall.c): relevant retrieved within k / num_rel.
// - recip_rank (m_recip_rank.c): 1 / rank of the first relevant doc. BEIR's MRR@k cuts it at k.
// Query selection follows BEIR: queries without any relevant document are skipped (they would
// score 0 and only dilute the mean). One deliberate difference: pytrec_eval silently drops a
// query that has qrels but an EMPTY result list (e.g. BM25 matched no term), which inflates the
// mean; here such a query is evaluated and scores 0, which is what the user would experience.
import { EVAL_METRIC_NAMES, type EvalMetricName } from '../../../shared/services/search.js';

export interface ScoredDoc {
  id: string;
  score: number;
}

/** query id → doc id → graded relevance (0 = judged non-relevant), as in a BEIR qrels file. */
export type Qrels = Record<string, Record<string, number>>;
/** query id → retrieved docs with scores (any order; ranking is done here). */
export type Run = Record<string, ScoredDoc[]>;

export const METRIC_NAMES = EVAL_METRIC_NAMES;
export type MetricName = EvalMetricName;
export type MetricSet = Record<MetricName, number>;

export interface RunEvaluation {
  /** Mean over evaluated queries (0 for every metric when none was evaluated). */
  mean: MetricSet;
  perQuery: Record<string, MetricSet>;
  evaluatedQueries: number;
  /** Queries in the qrels with no document of relevance >= 1 (BEIR skips them). */
  skippedNoRelevant: number;
  /** Queries in the run that the qrels do not mention (pytrec_eval ignores them). */
  skippedNotJudged: number;
}

const RELEVANCE_LEVEL = 1;

/** strcmp on UTF-8 bytes, as trec_eval compares doc ids. JS `<` compares UTF-16 units, which
 * orders some non-BMP characters differently, so fall back to bytes for non-ASCII ids. */
function compareDocIdBytes(a: string, b: string): number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(a) && /^[\x00-\x7f]*$/.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Orders results as trec_eval does: score descending, ties by doc id descending (bytes). */
export function rankLikeTrecEval(results: readonly ScoredDoc[]): ScoredDoc[] {
  return [...results].sort((x, y) => {
    if (x.score > y.score) return -1;
    if (x.score < y.score) return 1;
    return compareDocIdBytes(y.id, x.id);
  });
}

function dcgGain(gain: number, zeroBasedPosition: number): number {
  return gain / Math.log2(zeroBasedPosition + 2);
}

/**
 * Metrics of one query. `rankedIds` must already be in trec_eval order (see rankLikeTrecEval).
 * Returns null when the query has no relevant document (skipped, as BEIR does).
 */
export function evaluateRankedQuery(rankedIds: readonly string[], rels: Record<string, number>): MetricSet | null {
  const relValues = Object.values(rels);
  const numRel = relValues.filter((r) => r >= RELEVANCE_LEVEL).length;
  if (numRel === 0) return null;
  if (new Set(rankedIds).size !== rankedIds.length) {
    throw new RangeError('evaluateRankedQuery: a result list contains the same doc id twice (trec_eval rejects duplicates)');
  }

  let firstRelevantRank = 0;
  let relevantSoFar = 0;
  let dcg10 = 0;
  let apSum100 = 0;
  let relevantAt1 = 0;
  let relevantAt10 = 0;
  let relevantAt100 = 0;
  const depth = Math.min(rankedIds.length, 100);
  for (let i = 0; i < depth; i++) {
    const rel = rels[rankedIds[i]] ?? 0;
    if (i < 10 && rel > 0) dcg10 += dcgGain(rel, i);
    if (rel < RELEVANCE_LEVEL) continue;
    relevantSoFar++;
    if (firstRelevantRank === 0) firstRelevantRank = i + 1;
    apSum100 += relevantSoFar / (i + 1);
    if (i < 1) relevantAt1 = relevantSoFar;
    if (i < 10) relevantAt10 = relevantSoFar;
    relevantAt100 = relevantSoFar;
  }

  // Ideal ranking: all positive qrel values, best first, cut at 10.
  const idealGains = relValues.filter((r) => r > 0).sort((a, b) => b - a).slice(0, 10);
  const idcg10 = idealGains.reduce((sum, gain, i) => sum + dcgGain(gain, i), 0);

  return {
    'mrr@10': firstRelevantRank > 0 && firstRelevantRank <= 10 ? 1 / firstRelevantRank : 0,
    'ndcg@10': idcg10 > 0 ? dcg10 / idcg10 : 0,
    'recall@1': relevantAt1 / numRel,
    'recall@10': relevantAt10 / numRel,
    'recall@100': relevantAt100 / numRel,
    'map@100': apSum100 / numRel,
  };
}

export function zeroMetrics(): MetricSet {
  return Object.fromEntries(METRIC_NAMES.map((name) => [name, 0])) as MetricSet;
}

/** Evaluates a whole run against qrels; every judged query with a relevant doc is counted. */
export function evaluateRun(run: Run, qrels: Qrels): RunEvaluation {
  const perQuery: Record<string, MetricSet> = {};
  let skippedNoRelevant = 0;
  for (const [queryId, rels] of Object.entries(qrels)) {
    const ranked = rankLikeTrecEval(run[queryId] ?? []).map((doc) => doc.id);
    const metrics = evaluateRankedQuery(ranked, rels);
    if (metrics === null) skippedNoRelevant++;
    else perQuery[queryId] = metrics;
  }
  const skippedNotJudged = Object.keys(run).filter((queryId) => !(queryId in qrels)).length;
  const evaluated = Object.values(perQuery);
  const mean = zeroMetrics();
  for (const name of METRIC_NAMES) {
    if (evaluated.length > 0) mean[name] = evaluated.reduce((sum, m) => sum + m[name], 0) / evaluated.length;
  }
  return { mean, perQuery, evaluatedQueries: evaluated.length, skippedNoRelevant, skippedNotJudged };
}
