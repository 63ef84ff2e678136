import { describe, expect, it } from 'vitest';
import { analyze } from '../../../../src-main/core/index/analyzer.js';
import { Bm25Index, Bm25SnapshotError } from '../../../../src-main/core/index/bm25.js';

describe('analyze (Lucene EnglishAnalyzer-like)', () => {
  it('tokenizes words, drops possessives and English stop words, lower-cases and Porter-stems', () => {
    expect(analyze("The President's speeches: Congress is running the economy in 2024, fish-market")).toEqual([
      'presid', 'speech', 'congress', 'run', 'economi', '2024', 'fish', 'market',
    ]);
  });

  it('cuts very long texts into pieces without losing or splitting words', () => {
    const words = Array.from({ length: 6000 }, (_, i) => `word${i}`); // ~53k characters
    expect(analyze(words.join(' '))).toEqual(words);
  });
});

describe('Bm25Index (k1 0.9, b 0.4, Lucene scoring)', () => {
  const build = () => {
    const index = new Bm25Index();
    index.add('d1', 'cat sat mat'); // 3 terms
    index.add('d2', 'dog dog barked'); // dog ×2, bark: 3 terms
    index.add('d3', 'cat dog'); // 2 terms
    return index;
  };
  const avgdl = 8 / 3;
  const norm = (dl: number) => 0.9 * (1 - 0.4 + (0.4 * dl) / avgdl);

  it('scores with idf = ln(1 + (N − df + 0.5)/(df + 0.5)) and tf/(tf + k1·(1 − b + b·dl/avgdl))', () => {
    const index = build();
    const idfCat = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
    const hits = index.search('cats', 10);
    expect(hits.map((h) => h.id)).toEqual(['d3', 'd1']); // shorter doc wins
    expect(hits[0].score).toBeCloseTo(idfCat * (1 / (1 + norm(2))), 12);
    expect(hits[1].score).toBeCloseTo(idfCat * (1 / (1 + norm(3))), 12);

    const dogs = index.search('Dogs', 10);
    expect(dogs.map((h) => h.id)).toEqual(['d2', 'd3']);
    expect(dogs[0].score).toBeCloseTo(Math.log(1.6) * (2 / (2 + norm(3))), 12);
  });

  it('weights a repeated query term by its count and returns nothing for stop words only', () => {
    const index = build();
    expect(index.search('cat cat', 1)[0].score).toBeCloseTo(2 * index.search('cat', 1)[0].score, 12);
    expect(index.search('the and of', 10)).toEqual([]);
    expect(index.search('cat', 1)).toHaveLength(1);
  });

  it('keeps exact statistics when documents are removed or replaced', () => {
    const index = build();
    expect(index.remove('d3')).toBe(true);
    expect(index.remove('d3')).toBe(false);
    expect(index.size).toBe(2);
    // N = 2, df(cat) = 1, avgdl = 3 → idf = ln 2, norm = 0.9
    const [hit] = index.search('cat', 10);
    expect(hit.id).toBe('d1');
    expect(hit.score).toBeCloseTo(Math.log(2) * (1 / (1 + 0.9)), 12);

    index.add('d1', 'bird'); // replaces d1
    expect(index.size).toBe(2);
    expect(index.search('cat', 10)).toEqual([]);
    expect(index.search('birds', 10).map((h) => h.id)).toEqual(['d1']);
  });

  it('round-trips through a JSON snapshot', () => {
    const index = build();
    index.remove('d2');
    index.add('d4', 'a dog and a cat');
    const restored = Bm25Index.fromSnapshot(JSON.parse(JSON.stringify(index.toSnapshot())));
    expect(restored.size).toBe(3);
    for (const query of ['cat', 'dog', 'mat dog']) expect(restored.search(query, 10)).toEqual(index.search(query, 10));
    expect(() => Bm25Index.fromSnapshot({ ...index.toSnapshot(), version: 2 as 1 })).toThrow(Bm25SnapshotError);
  });
});
