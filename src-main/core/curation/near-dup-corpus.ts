// Near-duplicate queries across the corpus: MinHash signatures over each query's word set,
// banded LSH (the corpus dedupe's bandKeys/BucketTable) to find a candidate per band, then the
// exact Jaccard of the two word sets decides. Word sets (1-shingles), not the passages' word
// 3-shingles: queries are ~5–10 words, and one changed word in a 7-word query leaves only 3 of 5
// 3-shingles shared (Jaccard 0.43), so 3-shingles would catch little beyond exact copies; word-set
// Jaccard is also what the within-passage nearDup signal measures.
// Queries are registered passage by passage after their passage was checked, so a match is always
// an earlier query of another passage (within a passage, nearDup covers it); the first query in a
// bucket represents it.
import type Database from 'better-sqlite3';
import { bandKeys, BucketTable, jaccard, shingles } from '../corpus/dedupe.js';
import { normalizeQuery } from './signals.js';

export interface CorpusNearDup {
  /** The earlier query (of another passage) this one near-duplicates. */
  of: number;
  /** Word Jaccard similarity with it (≥ the threshold). */
  similarity: number;
}

export class CorpusNearDuplicates {
  private readonly table = new BucketTable();
  private readonly textById: Database.Statement<[number], { text: string }>;
  /** Band keys of the queries checked since the last remember(), by query id. */
  private pending: Array<{ id: number; keys: Uint32Array }> = [];

  constructor(
    db: Database.Database,
    /** Word Jaccard at or above which two queries are near-duplicates. */
    readonly threshold: number,
  ) {
    this.textById = db.prepare('SELECT text FROM queries WHERE id = ?');
  }

  /** Word-set hashes of a query (sorted, repeat-free; empty when it has no words). */
  static wordSet(text: string): Uint32Array {
    return shingles(normalizeQuery(text), 1);
  }

  /** The earlier near-duplicate of query `id` in another passage, or null. Call rememberPassage() after a passage's queries. */
  check(id: number, text: string): CorpusNearDup | null {
    const own = CorpusNearDuplicates.wordSet(text);
    if (own.length === 0) return null; // no words: flagged as degenerate, not as a duplicate of every other empty query
    const keys = bandKeys(own);
    this.pending.push({ id, keys });
    const tried: number[] = [];
    for (let b = 0; b < keys.length; b++) {
      const candidate = this.table.lookup(keys[b]);
      if (!candidate || tried.includes(candidate)) continue;
      tried.push(candidate);
      const other = this.textById.get(candidate);
      if (!other) continue; // deleted since it was registered
      const similarity = jaccard(own, CorpusNearDuplicates.wordSet(other.text));
      if (similarity >= this.threshold) return { of: candidate, similarity };
    }
    return null;
  }

  /** Registers the queries checked since the last call (one passage's) as candidates for later passages. */
  rememberPassage(): void {
    for (const { id, keys } of this.pending) for (let b = 0; b < keys.length; b++) this.table.getOrInsert(keys[b], id);
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
      if (own.length) this.pending.push({ id, keys: bandKeys(own) });
    }
    this.rememberPassage();
  }
}
