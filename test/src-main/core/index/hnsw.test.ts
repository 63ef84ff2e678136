import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExactIndex } from '../../../../src-main/core/index/exact.js';
import { HnswIndex } from '../../../../src-main/core/index/hnsw.js';
import { syntheticVectorSource } from '../../../../src-main/core/index/synthetic-vectors.js';

const dim = 384;
const count = 3000;
const source = syntheticVectorSource({ dim, clusters: 30, seed: 11 });
const vectors = source.sample(count); // [count, dim]
const queries = source.sample(100); // [100, dim]
const ids = Array.from({ length: count }, (_, i) => 1000 + i * 3); // sparse passage-id-like labels
const row = (matrix: Float32Array, i: number) => matrix.subarray(i * dim, (i + 1) * dim);
const tmp = mkdtempSync(join(tmpdir(), 'genq-hnsw-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function recallAt10(index: HnswIndex, exact: ExactIndex): number {
  let hits = 0;
  for (let q = 0; q < 100; q++) {
    const truth = new Set(exact.search(row(queries, q), 10).map((n) => n.id));
    hits += index.search(row(queries, q), 10).filter((n) => truth.has(n.id)).length;
  }
  return hits / 1000;
}

describe('HnswIndex', () => {
  // Starts below `count` so add() must grow the index.
  const index = HnswIndex.create(dim, {}, 1500);
  index.add(ids, vectors);
  const exact = new ExactIndex(dim, ids, vectors);

  it('reaches recall@10 >= 0.98 against exact search on clustered vectors, with cosine scores', () => {
    expect(index.size).toBe(count);
    expect(index.capacity).toBeGreaterThanOrEqual(count);
    expect(recallAt10(index, exact)).toBeGreaterThanOrEqual(0.98);
    const [best] = index.search(row(queries, 0), 1);
    const [exactBest] = exact.search(row(queries, 0), 1);
    expect(best.id).toBe(exactBest.id);
    expect(best.score).toBeCloseTo(exactBest.score, 5);
  });

  it('finds a stored vector as its own nearest neighbour with score ≈ 1', () => {
    const [self] = index.search(row(vectors, 42), 1);
    expect(self.id).toBe(ids[42]);
    expect(self.score).toBeCloseTo(1, 5);
  });

  it('saves and loads to identical results', () => {
    const file = join(tmp, 'a.hnsw');
    index.save(file);
    const loaded = HnswIndex.load(file, dim, { ...index.params }, index.ids());
    expect(loaded.size).toBe(count);
    for (let q = 0; q < 10; q++) expect(loaded.search(row(queries, q), 10)).toEqual(index.search(row(queries, q), 10));
  });

  it('removes and re-adds points without a rebuild, also after a save/load', () => {
    const target = index.search(row(queries, 1), 5).map((n) => n.id);
    expect(index.remove([...target, 999_999])).toBe(5);
    expect(index.size).toBe(count - 5);
    expect(index.deletedSlots).toBe(5);
    const after = index.search(row(queries, 1), 10).map((n) => n.id);
    expect(after.some((id) => target.includes(id))).toBe(false);

    const file = join(tmp, 'b.hnsw');
    index.save(file);
    const loaded = HnswIndex.load(file, dim, { ...index.params }, index.ids());
    expect(loaded.search(row(queries, 1), 10).map((n) => n.id)).toEqual(after);

    // Re-add one removed id with the query itself as its vector: it must come back first.
    loaded.add([target[2]], row(queries, 1).slice());
    const [first] = loaded.search(row(queries, 1), 1);
    expect(first.id).toBe(target[2]);
    expect(first.score).toBeCloseTo(1, 5);
    expect(loaded.size).toBe(count - 4);
    expect(loaded.deletedSlots).toBe(4);

    // A brand-new id is appended and found.
    loaded.add([5], row(queries, 2).slice());
    expect(loaded.search(row(queries, 2), 1)[0].id).toBe(5);
    expect(loaded.size).toBe(count - 3);
  });

  it('compacted() drops deleted slots and keeps the live points searchable', () => {
    const compact = index.compacted();
    expect(compact.size).toBe(index.size);
    expect(compact.deletedSlots).toBe(0);
    const liveExact = new ExactIndex(dim, compact.ids(), Float32Array.from(compact.ids().flatMap((id) => [...index.vectorOf(id)])));
    expect(recallAt10(compact, liveExact)).toBeGreaterThanOrEqual(0.98);
  });

  it('rejects vectors of the wrong size and unreadable files', () => {
    expect(() => index.search(new Float32Array(10), 3)).toThrow(/10 dims, index has 384/);
    expect(() => index.add([1, 2], new Float32Array(dim))).toThrow(/not 2 vectors/);
    expect(() => HnswIndex.load(join(tmp, 'missing.hnsw'), dim, index.params, [])).toThrow(/cannot read HNSW index/);
  });
});
