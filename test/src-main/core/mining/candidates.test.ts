// unionCandidates / pickNegatives: retriever flags and 1-based ranks per retriever, the positive
// (by id, even if its stored text changed) and normalised-text copies of it excluded, seeded samples.
import { describe, expect, it } from 'vitest';
import { pickNegatives, unionCandidates } from '../../../../src-main/core/mining/candidates.js';

describe('unionCandidates', () => {
  it('records which retrievers found each passage and at which rank', () => {
    expect(unionCandidates([[5, 3, 9], [9, 7]])).toEqual([
      { passageId: 3, foundBy: 1, ranks: [2, null] },
      { passageId: 5, foundBy: 1, ranks: [1, null] },
      { passageId: 7, foundBy: 2, ranks: [null, 2] },
      { passageId: 9, foundBy: 3, ranks: [3, 1] },
    ]);
    expect(unionCandidates([[4, 4]])).toEqual([{ passageId: 4, foundBy: 1, ranks: [1] }]);
  });
});

describe('pickNegatives', () => {
  const texts: Record<number, string> = { 1: 'The whale.', 2: 'the WHALE', 3: 'a ship', 4: 'the sea', 5: 'a storm', 6: 'an island' };
  const union = unionCandidates([[1, 2, 3, 4, 5, 6]]);
  it('drops the positive by id and copies of its normalised text', () => {
    // The positive's text as the query row saw it may differ from what textOf returns (edited since): the id still excludes it.
    const pick = pickNegatives(union, { id: 1, text: 'The whale' }, (id) => (id === 1 ? 'edited' : texts[id]), { n: 10, seed: 1, queryId: 7 });
    expect(pick.pool).toBe(4);
    expect(pick.negatives.map((c) => c.passageId).sort()).toEqual([3, 4, 5, 6]);
  });
  it('samples n reproducibly per (seed, query)', () => {
    const a = pickNegatives(union, { id: 1, text: 'The whale' }, (id) => texts[id], { n: 2, seed: 1, queryId: 7 });
    expect(a.negatives).toHaveLength(2);
    expect(pickNegatives(union, { id: 1, text: 'The whale' }, (id) => texts[id], { n: 2, seed: 1, queryId: 7 })).toEqual(a);
    const draws = new Set(Array.from({ length: 20 }, (_, q) => pickNegatives(union, { id: 1, text: 'The whale' }, (id) => texts[id], { n: 2, seed: 1, queryId: q }).negatives.map((c) => c.passageId).join()));
    expect(draws.size).toBeGreaterThan(3);
  });
});
