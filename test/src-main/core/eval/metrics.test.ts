import { describe, expect, it } from 'vitest';
import { evaluateRankedQuery, evaluateRun, rankLikeTrecEval } from '../../../../src-main/core/eval/metrics.js';

const log2 = Math.log2;

describe('rankLikeTrecEval', () => {
  it('sorts by score descending and breaks ties by doc id descending (byte order)', () => {
    const ranked = rankLikeTrecEval([
      { id: 'd1', score: 0.5 },
      { id: 'd10', score: 0.5 },
      { id: 'd9', score: 0.5 },
      { id: 'a', score: 0.9 },
    ]);
    // "d9" > "d10" > "d1" in byte order, so among the tied 0.5s d9 comes first.
    expect(ranked.map((d) => d.id)).toEqual(['a', 'd9', 'd10', 'd1']);
  });

  it('orders non-ASCII ids by UTF-8 bytes like strcmp', () => {
    // U+FF5E (UTF-8 EF BD 9E) sorts below U+1F600 (F0 9F 98 80) in bytes, above it in UTF-16 units.
    const ranked = rankLikeTrecEval([
      { id: '\u{ff5e}', score: 1 },
      { id: '\u{1f600}', score: 1 },
    ]);
    expect(ranked.map((d) => d.id)).toEqual(['\u{1f600}', '\u{ff5e}']);
  });
});

describe('evaluateRankedQuery / evaluateRun (hand-computed)', () => {
  it('uses the trec_eval tie order: a tied relevant doc with the larger id ranks first', () => {
    // d2 and d3 tie at 0.5: trec_eval ranks d3 (larger id) before d2 → d1, d3, d2, d4.
    const run = { q1: [{ id: 'd1', score: 0.9 }, { id: 'd2', score: 0.5 }, { id: 'd3', score: 0.5 }, { id: 'd4', score: 0.1 }] };
    const qrels = { q1: { d1: 1, d3: 2 } };
    const m = evaluateRun(run, qrels).perQuery.q1;
    expect(m['mrr@10']).toBe(1);
    expect(m['recall@1']).toBe(0.5);
    expect(m['recall@10']).toBe(1);
    expect(m['recall@100']).toBe(1);
    // AP = (1/1 + 2/2) / 2 = 1 (with ascending ties it would be (1 + 2/3)/2 = 0.8333).
    expect(m['map@100']).toBeCloseTo(1, 12);
    // DCG = 1/log2(2) + 2/log2(3); ideal = 2/log2(2) + 1/log2(3).
    expect(m['ndcg@10']).toBeCloseTo((1 + 2 / log2(3)) / (2 + 1 / log2(3)), 12);
    expect(m['ndcg@10']).toBeCloseTo(0.8597186998521972, 12);
  });

  it('graded qrels, a relevant doc past the cutoffs, and unjudged docs', () => {
    // Ranking: x, b, y, a, f5..f11, c  (c at rank 12); qrels a:3, b:1, c:2; x, y, f* unjudged.
    const ranked = ['x', 'b', 'y', 'a', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10', 'f11', 'c'];
    const m = evaluateRankedQuery(ranked, { a: 3, b: 1, c: 2 })!;
    expect(m['mrr@10']).toBe(0.5);
    expect(m['recall@1']).toBe(0);
    expect(m['recall@10']).toBeCloseTo(2 / 3, 12);
    expect(m['recall@100']).toBe(1);
    // AP@100 = (1/2 + 2/4 + 3/12) / 3
    expect(m['map@100']).toBeCloseTo((0.5 + 0.5 + 0.25) / 3, 12);
    // DCG@10 = 1/log2(3) + 3/log2(5); IDCG@10 = 3/log2(2) + 2/log2(3) + 1/log2(4)
    expect(m['ndcg@10']).toBeCloseTo((1 / log2(3) + 3 / log2(5)) / (3 + 2 / log2(3) + 0.5), 12);
    expect(m['ndcg@10']).toBeCloseTo(0.4038253176, 9);
  });

  it('MRR@10 is 0 when the first relevant doc is at rank 11; qrels of 0 are non-relevant', () => {
    const ranked = Array.from({ length: 12 }, (_, i) => `d${String(i + 1).padStart(2, '0')}`);
    const m = evaluateRankedQuery(ranked, { d01: 0, d11: 1 })!;
    expect(m['mrr@10']).toBe(0);
    expect(m['ndcg@10']).toBe(0);
    expect(m['recall@100']).toBe(1);
    expect(m['map@100']).toBeCloseTo(1 / 11, 12);
  });

  it('skips queries without relevant documents, and counts an empty result list as 0', () => {
    const qrels = {
      q1: { d1: 1 },
      q2: { d5: 0 }, // judged, nothing relevant → skipped (BEIR)
      q3: { d7: 2 }, // relevant doc exists but the run has nothing → evaluated, scores 0
    };
    const run = { q1: [{ id: 'd2', score: 2 }, { id: 'd1', score: 1 }], q2: [{ id: 'd5', score: 1 }], q4: [{ id: 'd1', score: 1 }] };
    const result = evaluateRun(run, qrels);
    expect(result.evaluatedQueries).toBe(2);
    expect(result.skippedNoRelevant).toBe(1);
    expect(result.skippedNotJudged).toBe(1);
    expect(Object.keys(result.perQuery).sort()).toEqual(['q1', 'q3']);
    expect(result.perQuery.q3['recall@100']).toBe(0);
    // q1: relevant at rank 2 → MRR 0.5, nDCG 1/log2(3); q3: 0. Means over 2 queries.
    expect(result.mean['mrr@10']).toBeCloseTo(0.25, 12);
    expect(result.mean['ndcg@10']).toBeCloseTo(1 / log2(3) / 2, 12);
    expect(result.mean['recall@1']).toBe(0);
    expect(result.mean['recall@10']).toBe(0.5);
    expect(result.mean['map@100']).toBeCloseTo(0.25, 12);
  });

  it('ignores results past rank 100 for MAP@100 and Recall@100', () => {
    const ranked = Array.from({ length: 150 }, (_, i) => `n${i}`);
    const m = evaluateRankedQuery(ranked, { n0: 1, n120: 1 })!;
    expect(m['recall@100']).toBe(0.5);
    expect(m['map@100']).toBe(0.5); // (1/1) / 2
  });

  it('rejects duplicate doc ids in one result list, as trec_eval does', () => {
    expect(() => evaluateRankedQuery(['a', 'a'], { a: 1 })).toThrow(/same doc id twice/);
  });

  it('returns zero means when nothing can be evaluated', () => {
    const result = evaluateRun({}, { q: { d: 0 } });
    expect(result.evaluatedQueries).toBe(0);
    expect(result.mean['ndcg@10']).toBe(0);
  });
});
