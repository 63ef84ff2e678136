// Okapi BM25 as Lucene's BM25Similarity scores it (what Anserini/Pyserini report as the BEIR
// BM25 baseline, with k1 = 0.9, b = 0.4):
//   score(q, d) = Σ_t qtf(t) · idf(t) · tf / (tf + k1 · (1 − b + b · |d| / avgdl))
//   idf(t)      = ln(1 + (N − df + 0.5) / (df + 0.5))
// Lucene ≥ 8 drops the constant (k1 + 1) numerator factor, which does not change rankings, and
// Anserini weights a repeated query term by its count (qtf). One difference remains: Lucene
// stores |d| lossily in one byte, this index keeps exact lengths, so scores can differ slightly.
// Documents can be added and removed at any time; statistics (N, df, avgdl) stay exact.
import { analyze } from './analyzer.js';
import { TopK } from './top-k.js';
import type { ScoredDoc } from '../eval/metrics.js';

export interface Bm25Params {
  k1: number;
  b: number;
}
export const DEFAULT_BM25_PARAMS: Bm25Params = { k1: 0.9, b: 0.4 };

/** Plain-JSON form of an index (what save/load write). */
export interface Bm25Snapshot {
  version: 1;
  params: Bm25Params;
  /** Per live document: its id and its term frequencies. */
  docs: Array<{ id: string; terms: Record<string, number> }>;
}

export class Bm25Index {
  readonly params: Bm25Params;
  // Document slots; a removed document leaves a null hole that the next add reuses.
  private slotIds: Array<string | null> = [];
  private slotTerms: Array<Map<string, number> | null> = [];
  private slotLength: number[] = [];
  private freeSlots: number[] = [];
  private slotOfId = new Map<string, number>();
  /** term → slot → term frequency */
  private postings = new Map<string, Map<number, number>>();
  private totalLength = 0;

  constructor(params: Partial<Bm25Params> = {}) {
    this.params = { ...DEFAULT_BM25_PARAMS, ...params };
  }

  get size(): number {
    return this.slotOfId.size;
  }

  has(id: string): boolean {
    return this.slotOfId.has(id);
  }

  /** Adds a document, replacing any earlier one with the same id. */
  add(id: string, text: string): void {
    const termCounts = new Map<string, number>();
    for (const term of analyze(text)) termCounts.set(term, (termCounts.get(term) ?? 0) + 1);
    this.addTermCounts(id, termCounts);
  }

  remove(id: string): boolean {
    const slot = this.slotOfId.get(id);
    if (slot === undefined) return false;
    for (const term of this.slotTerms[slot]!.keys()) {
      const posting = this.postings.get(term)!;
      posting.delete(slot);
      if (posting.size === 0) this.postings.delete(term);
    }
    this.totalLength -= this.slotLength[slot];
    this.slotIds[slot] = null;
    this.slotTerms[slot] = null;
    this.slotLength[slot] = 0;
    this.slotOfId.delete(id);
    this.freeSlots.push(slot);
    return true;
  }

  /** Top-k documents for `query`, best first; documents matching no query term are not returned. */
  search(query: string, k: number): ScoredDoc[] {
    const docCount = this.size;
    if (docCount === 0 || k <= 0) return [];
    const { k1, b } = this.params;
    const avgLength = this.totalLength / docCount;
    const queryTermCounts = new Map<string, number>();
    for (const term of analyze(query)) queryTermCounts.set(term, (queryTermCounts.get(term) ?? 0) + 1);

    const scores = new Map<number, number>();
    for (const [term, queryCount] of queryTermCounts) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const idf = Math.log(1 + (docCount - posting.size + 0.5) / (posting.size + 0.5));
      for (const [slot, tf] of posting) {
        const lengthNorm = k1 * (1 - b + (b * this.slotLength[slot]) / avgLength);
        const termScore = queryCount * idf * (tf / (tf + lengthNorm));
        scores.set(slot, (scores.get(slot) ?? 0) + termScore);
      }
    }
    const best = new TopK(k);
    for (const [slot, score] of scores) best.push(slot, score);
    return best.sorted().map(([slot, score]) => ({ id: this.slotIds[slot]!, score }));
  }

  toSnapshot(): Bm25Snapshot {
    const docs: Bm25Snapshot['docs'] = [];
    for (let slot = 0; slot < this.slotIds.length; slot++) {
      const id = this.slotIds[slot];
      if (id !== null) docs.push({ id, terms: Object.fromEntries(this.slotTerms[slot]!) });
    }
    return { version: 1, params: { ...this.params }, docs };
  }

  static fromSnapshot(snapshot: Bm25Snapshot): Bm25Index {
    if (snapshot.version !== 1) throw new Bm25SnapshotError(`unsupported BM25 snapshot version ${String(snapshot.version)}`);
    const index = new Bm25Index(snapshot.params);
    for (const doc of snapshot.docs) index.addTermCounts(doc.id, new Map(Object.entries(doc.terms)));
    return index;
  }

  private addTermCounts(id: string, termCounts: Map<string, number>): void {
    this.remove(id);
    const slot = this.freeSlots.pop() ?? this.slotIds.length;
    let length = 0;
    for (const [term, count] of termCounts) {
      length += count;
      let posting = this.postings.get(term);
      if (!posting) this.postings.set(term, (posting = new Map()));
      posting.set(slot, count);
    }
    this.slotIds[slot] = id;
    this.slotTerms[slot] = termCounts;
    this.slotLength[slot] = length;
    this.slotOfId.set(id, slot);
    this.totalLength += length;
  }
}

export class Bm25SnapshotError extends Error {
  override name = 'Bm25SnapshotError';
}
