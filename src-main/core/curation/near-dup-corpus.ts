// Near-duplicate queries across the corpus: MinHash signatures over each query's word set,
// banded LSH (the corpus dedupe's bandKeys/BucketTable) to find a candidate per band, then the
// exact Jaccard of the two word sets decides. Word sets (1-shingles), not the passages' word
// 3-shingles: queries are ~5–10 words, and one changed word in a 7-word query leaves only 3 of 5
// 3-shingles shared (Jaccard 0.43), so 3-shingles would catch little beyond exact copies; word-set
// Jaccard is also what the within-passage nearDup signal measures.
// Queries are registered passage by passage after their passage was checked, so a match is always
// an earlier query of another passage (within a passage, nearDup covers it); the first query in a
// bucket represents it, and the word sets of representatives are kept packed in memory (no text
// lookup and re-normalisation per candidate: that was most of the cost).
import type Database from 'better-sqlite3';
import { bandKeys, BucketTable, jaccard, shingles } from '../corpus/dedupe.js';
import { normalizeQuery } from './signals.js';

export interface CorpusNearDup {
  /** The earlier query (of another passage) this one near-duplicates. */
  of: number;
  /** Word Jaccard similarity with it (≥ the threshold). */
  similarity: number;
}

/** Word sets by query id, packed into one growing pool (query ids are dense integer keys). */
class WordSetStore {
  private start = new Int32Array(1024).fill(-1);
  private length = new Uint16Array(1024);
  private pool = new Uint32Array(1 << 16);
  private used = 0;

  set(id: number, words: Uint32Array): void {
    if (id >= this.start.length) {
      const size = Math.max(id + 1, this.start.length * 2);
      const start = new Int32Array(size).fill(-1);
      start.set(this.start);
      const length = new Uint16Array(size);
      length.set(this.length);
      this.start = start;
      this.length = length;
    }
    if (this.used + words.length > this.pool.length) {
      const pool = new Uint32Array(Math.max(this.pool.length * 2, this.used + words.length));
      pool.set(this.pool.subarray(0, this.used));
      this.pool = pool;
    }
    const n = Math.min(words.length, 0xffff);
    this.pool.set(words.subarray(0, n), this.used);
    this.start[id] = this.used;
    this.length[id] = n;
    this.used += n;
  }

  get(id: number): Uint32Array | null {
    const at = id < this.start.length ? this.start[id] : -1;
    return at < 0 ? null : this.pool.subarray(at, at + this.length[id]);
  }
}

export class CorpusNearDuplicates {
  private readonly table = new BucketTable();
  private readonly representatives = new WordSetStore();
  /** The queries checked since the last rememberPassage(). */
  private pending: Array<{ id: number; words: Uint32Array; keys: Uint32Array }> = [];

  constructor(
    /** Word Jaccard at or above which two queries are near-duplicates. */
    readonly threshold: number,
  ) {}

  /** Word-set hashes of a query (sorted, repeat-free; empty when it has no words). */
  static wordSet(text: string): Uint32Array {
    return shingles(normalizeQuery(text), 1);
  }

  /** The earlier near-duplicate of query `id` in another passage, or null. Call rememberPassage() after a passage's queries. */
  check(id: number, text: string): CorpusNearDup | null {
    const own = CorpusNearDuplicates.wordSet(text);
    if (own.length === 0) return null; // no words: flagged as degenerate, not as a duplicate of every other empty query
    const keys = bandKeys(own);
    this.pending.push({ id, words: own, keys });
    const tried: number[] = [];
    for (let b = 0; b < keys.length; b++) {
      const candidate = this.table.lookup(keys[b]);
      if (!candidate || tried.includes(candidate)) continue;
      tried.push(candidate);
      const other = this.representatives.get(candidate);
      if (!other) continue;
      const similarity = jaccard(own, other);
      if (similarity >= this.threshold) return { of: candidate, similarity };
    }
    return null;
  }

  /** Registers the queries checked since the last call (one passage's) as candidates for later passages. */
  rememberPassage(): void {
    for (const { id, words, keys } of this.pending) {
      let represents = false;
      for (let b = 0; b < keys.length; b++) if (this.table.getOrInsert(keys[b], id) === 0) represents = true;
      if (represents) this.representatives.set(id, words);
    }
    this.pending = [];
  }

  /** Rebuilds the buckets from the queries of passages up to `passageId` (resuming a job). */
  rememberUpTo(db: Database.Database, passageId: number): void {
    let current = -1;
    for (const [id, pid, text] of db.prepare('SELECT id, passage_id, text FROM queries WHERE passage_id <= ? ORDER BY passage_id, id').raw().iterate(passageId) as Iterable<
      [number, number, string]
    >) {
      if (pid !== current) this.rememberPassage();
      current = pid;
      const own = CorpusNearDuplicates.wordSet(text);
      if (own.length) this.pending.push({ id, words: own, keys: bandKeys(own) });
    }
    this.rememberPassage();
  }
}
