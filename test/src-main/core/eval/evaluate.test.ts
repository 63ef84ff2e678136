import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readBeirFolder } from '../../../../src-main/core/eval/beir.js';
import { bm25Retriever, evaluateRetriever, EvaluationAbortedError, type Retriever } from '../../../../src-main/core/eval/evaluate.js';
import { evaluateRun } from '../../../../src-main/core/eval/metrics.js';

const fixture = fileURLToPath(new URL('../../../fixtures/beir-sotu-mini', import.meta.url));

describe('evaluateRetriever', () => {
  it('evaluates BM25 on a small BEIR dataset: answers ranked first, unjudged and no-relevant queries skipped', async () => {
    const data = await readBeirFolder(fixture);
    expect(data.queries.map((q) => q.id)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8']);
    const bm25 = bm25Retriever(data.corpus);
    expect(bm25.index.size).toBe(35);
    const progress: number[] = [];
    const result = await evaluateRetriever(bm25, data.queries, data.qrels, { onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(result.retriever).toBe('BM25');
    expect(result.evaluatedQueries).toBe(7);
    expect(result.skippedNoRelevant).toBe(1);
    // Distinctive vocabulary: the passage that answers each of these is BM25's first hit.
    for (const [query, answer] of [['q1', '1790-10'], ['q2', '1870-20'], ['q3', '1890-20'], ['q4', '2009-20'], ['q7', '1989-20']]) {
      expect(result.run[query][0].id, query).toBe(answer);
      expect(result.perQuery[query]['mrr@10'], query).toBe(1);
    }
    expect(result.mean).toEqual(evaluateRun(result.run, data.qrels).mean);
    expect(result.mean['recall@100']).toBeGreaterThan(0.9);
    expect(result.queriesPerSecond).toBeGreaterThan(0);
  });

  it('stops between queries when aborted', async () => {
    const controller = new AbortController();
    let calls = 0;
    const slow: Retriever = {
      name: 'stub',
      search: async () => {
        if (++calls === 2) controller.abort();
        return [{ id: 'd', score: 1 }];
      },
    };
    const queries = [1, 2, 3, 4].map((i) => ({ id: `q${i}`, text: 'x' }));
    await expect(evaluateRetriever(slow, queries, { q1: { d: 1 } }, { signal: controller.signal })).rejects.toThrow(EvaluationAbortedError);
    expect(calls).toBe(2);
  });
});
