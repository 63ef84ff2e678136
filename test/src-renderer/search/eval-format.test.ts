import { describe, expect, it } from 'vitest';
import type { EvalResultRow, EvalRunInfo } from '../../../shared/services/search.js';
import { bestByMetric, datasetLabel, groupEvalRuns, retrieverDisplayName, historyChartData, metricsChartData, retrieverNames } from '../../../src-renderer/components/evaluate/eval-format.js';

const metrics = (v: number) => ({ 'mrr@10': v, 'ndcg@10': v + 0.01, 'recall@1': v / 2, 'recall@10': v + 0.1, 'recall@100': 1, 'map@100': v - 0.01 });
const beir = { kind: 'beir' as const, dir: '/data/beir-sotu-mini', split: 'test', queries: 8, corpus: 35 };

function run(runId: number, jobId: number | null, retriever: string, v: number, createdAt = `2026-01-01T00:00:0${runId % 10}.000Z`): EvalRunInfo {
  const summary: Omit<EvalResultRow, 'runId'> = {
    retriever,
    modelId: retriever === 'BM25' ? null : 1,
    metrics: metrics(v),
    evaluatedQueries: 8,
    skippedNoRelevant: 1,
    queriesPerSecond: 100,
    hnswRecallAt10: retriever === 'BM25' ? null : 1,
  };
  return { runId, jobId, name: `eval ${retriever}`, modelId: summary.modelId, createdAt, config: { dataset: beir, retriever }, summary };
}

describe('retrieverDisplayName', () => {
  it('drops the model id the eval job appends, nothing else', () => {
    expect(retrieverDisplayName('tiny-bert (model 2)')).toBe('tiny-bert');
    expect(retrieverDisplayName('tiny-bert (run 1) (model 12)')).toBe('tiny-bert (run 1)');
    expect(retrieverDisplayName('BM25')).toBe('BM25');
  });
});

describe('groupEvalRuns', () => {
  it('groups the runs of one job into one evaluation, newest first, rows in evaluation order', () => {
    // evalRuns lists newest first.
    const runs = [run(4, 8, 'tuned', 0.6), run(3, 8, 'BM25', 0.5), run(2, 5, 'base', 0.3), run(1, 5, 'BM25', 0.5)];
    const groups = groupEvalRuns(runs);
    expect(groups.map((g) => g.key)).toEqual(['job 8', 'job 5']);
    // Numbered per project, the first evaluation #1, whatever the job ids.
    expect(groups.map((g) => g.number)).toEqual([2, 1]);
    expect(groups[0].rows.map((r) => [r.retriever, r.runId])).toEqual([
      ['BM25', 3],
      ['tuned', 4],
    ]);
    expect(groups[0].createdAt).toBe('2026-01-01T00:00:03.000Z');
    expect(groups[1].dataset).toEqual(beir);
  });

  it('keeps runs without a job apart and skips summaries it cannot read', () => {
    const odd: EvalRunInfo = { runId: 9, jobId: 1, name: null, modelId: null, createdAt: 'x', config: {}, summary: { note: 'not an eval row' } };
    const groups = groupEvalRuns([odd, run(7, null, 'BM25', 0.4), run(6, null, 'base', 0.2)]);
    expect(groups.map((g) => g.key)).toEqual(['run 7', 'run 6']);
  });
});

describe('chart data and labels', () => {
  const groups = groupEvalRuns([run(4, 8, 'tuned', 0.6), run(3, 8, 'BM25', 0.5), run(2, 5, 'base', 0.3), run(1, 5, 'BM25', 0.4)]);

  it('plots one row per metric with a key per retriever', () => {
    const data = metricsChartData(groups[0].rows);
    expect(data).toHaveLength(6);
    expect(data[0]).toEqual({ metric: 'MRR@10', BM25: 0.5, tuned: 0.6 });
    expect(data[2]).toEqual({ metric: 'Recall@1', BM25: 0.25, tuned: 0.3 });
  });

  it('plots the history oldest first for one metric', () => {
    expect(historyChartData(groups, 'mrr@10')).toEqual([
      { run: '#1', BM25: 0.4, base: 0.3 },
      { run: '#2', BM25: 0.5, tuned: 0.6 },
    ]);
    expect(retrieverNames(groups)).toEqual(['BM25', 'tuned', 'base']);
  });

  it('finds the best value per metric and names the dataset', () => {
    const best = bestByMetric(groups[0].rows);
    expect(best['mrr@10']).toBe(0.6);
    expect(best['recall@100']).toBe(1);
    expect(datasetLabel(beir)).toBe('BEIR beir-sotu-mini (test) · 8 queries, 35 documents');
    expect(datasetLabel({ kind: 'held-out', dir: null, split: null, queries: 12, corpus: 300 })).toBe('held-out queries · 12 queries, 300 passages');
    expect(datasetLabel(null)).toBe('unknown data');
  });
});
