// Near-duplicate detection's building blocks: word 3-shingles as sorted integer hashes, exact
// Jaccard over them, and MinHash band keys whose collision rate follows the LSH curve.
import { describe, expect, test } from 'vitest';
import { bandKeys, jaccard, LSH_BANDS, LSH_ROWS, normaliseText, shingles } from '../../../../src-main/core/corpus/dedupe.js';

describe('dedupe', () => {
  test('shingles: one per distinct word triple, sorted; short texts hash as a whole', () => {
    const s = shingles(normaliseText('The whale, the whale! The whale the whale.'));
    // "the whale the" and "whale the whale" repeat: 2 distinct of 6 triples.
    expect(s.length).toBe(2);
    expect([...s]).toEqual([...s].sort((a, b) => a - b));
    expect(shingles('call me').length).toBe(1);
    expect(shingles('call me')[0]).not.toBe(shingles('me call')[0]);
    expect(shingles('').length).toBe(0);
  });

  test('jaccard is exact on the shingle sets', () => {
    const a = shingles('a b c d e f g h i j');
    const b = shingles('a b c d e f g h x y');
    // 8 triples each, 6 shared: 6 / 10.
    expect(jaccard(a, b)).toBeCloseTo(0.6, 10);
    expect(jaccard(a, a)).toBe(1);
    expect(jaccard(new Uint32Array(0), new Uint32Array(0))).toBe(1);
  });

  test('band keys collide with the probability 1 - (1 - J^rows)^bands', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const set = (xs: number[]) => Uint32Array.from(new Set(xs)).sort();
    for (const j of [0.5, 0.8, 0.9]) {
      const size = 150;
      const shared = Math.round((2 * j * size) / (1 + j));
      let hits = 0;
      const trials = 1500;
      for (let t = 0; t < trials; t++) {
        const common = Array.from({ length: shared }, next);
        const a = set([...common, ...Array.from({ length: size - shared }, next)]);
        const b = set([...common, ...Array.from({ length: size - shared }, next)]);
        const ka = bandKeys(a);
        const kb = bandKeys(b);
        if (ka.some((k, i) => k === kb[i])) hits++;
      }
      const expected = 1 - (1 - j ** LSH_ROWS) ** LSH_BANDS;
      expect(Math.abs(hits / trials - expected), `J=${j}`).toBeLessThan(0.04);
    }
  });
});
