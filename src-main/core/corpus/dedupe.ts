// Duplicate passages: exact (hash of the normalised text, looked up through the
// passages_text_hash index) and near (MinHash signatures over word 3-shingles, banded LSH to
// find candidates, then the exact Jaccard of the two shingle sets decides). All hashing is
// 32-bit integer arithmetic (FNV-1a per word, Math.imul mixing), no strings built per shingle.
// The LSH buckets live in a typed-array hash table so a million passages cost tens of MB, not a
// Map per band.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { fmix32 } from '../app/fmix32.js';

/** NFKC, lower case, punctuation dropped, whitespace collapsed: "Hello,  World!" → "hello world". */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** 128-bit (32 hex) prefix of sha256 over the normalised text: stored in passages.text_hash. */
export function textHash(normalised: string): string {
  return createHash('sha256').update(normalised).digest('hex').slice(0, 32);
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;


// Word hashes of the passage being shingled (grown on demand, reused: one passage at a time).
let wordScratch = new Uint32Array(1024);

/** FNV-1a of each space-separated word of a normalised text, in one pass; returns how many. */
function hashWords(normalised: string): number {
  let n = 0;
  let h = FNV_OFFSET;
  let inWord = false;
  for (let i = 0; i <= normalised.length; i++) {
    const c = i < normalised.length ? normalised.charCodeAt(i) : 32;
    if (c !== 32) {
      h = Math.imul(h ^ c, FNV_PRIME);
      inWord = true;
    } else if (inWord) {
      if (n === wordScratch.length) {
        const grown = new Uint32Array(n * 2);
        grown.set(wordScratch);
        wordScratch = grown;
      }
      wordScratch[n++] = h >>> 0;
      h = FNV_OFFSET;
      inWord = false;
    }
  }
  return n;
}

/** Order-sensitive combination of word hashes. */
const combine = (h: number, word: number) => Math.imul(h ^ word, 0x9e3779b1);

/**
 * Hashes of the word `size`-shingles (default 3, what passage dedupe uses; one hash for the whole
 * text when it has fewer than `size` words), sorted and without repeats, so jaccard() is a merge.
 * Shingles are hashed from word hashes, not from joined strings. Size 1 gives the word set (what
 * curation uses for short queries).
 */
export function shingles(normalised: string, size = 3): Uint32Array {
  const n = hashWords(normalised);
  if (n < size) {
    if (n === 0) return new Uint32Array(0);
    let h = FNV_OFFSET;
    for (let i = 0; i < n; i++) h = combine(h, wordScratch[i]);
    return Uint32Array.of(fmix32(h));
  }
  const out = new Uint32Array(n - size + 1);
  for (let i = 0; i + size <= n; i++) {
    let h = FNV_OFFSET;
    if (size === 3) h = combine(combine(combine(h, wordScratch[i]), wordScratch[i + 1]), wordScratch[i + 2]); // passages: unrolled
    else for (let j = i; j < i + size; j++) h = combine(h, wordScratch[j]);
    out[i] = fmix32(h);
  }
  out.sort();
  let unique = 1;
  for (let i = 1; i < out.length; i++) if (out[i] !== out[unique - 1]) out[unique++] = out[i];
  return out.subarray(0, unique);
}

/** Jaccard similarity of two sorted, repeat-free shingle arrays. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (!a.length && !b.length) return 1;
  let both = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return both / (a.length + b.length - both);
}

// 8 bands × 6 rows: a pair with Jaccard 0.9 becomes a candidate with p ≈ 0.998, one with 0.5
// with p ≈ 0.12 (and is then rejected by the exact Jaccard check).
export const LSH_BANDS = 8;
export const LSH_ROWS = 6;
// MinHash permutations h_k(x) = xorshift(a_k·x + b_k mod 2^32), a_k odd: each a bijection of the
// (already well-mixed) shingle hashes at three integer ops, instead of a full murmur finaliser.
const MULTIPLIERS = Uint32Array.from({ length: LSH_BANDS * LSH_ROWS }, (_, k) => fmix32(0x9e3779b9 + k * 0x632be5ab) | 1);
const OFFSETS = Uint32Array.from({ length: LSH_BANDS * LSH_ROWS }, (_, k) => fmix32(0x7f4a7c15 ^ Math.imul(k + 1, 0x85ebca6b)));

/** One LSH bucket key per band. */
export function bandKeys(shingleHashes: Uint32Array): Uint32Array {
  const mins = new Uint32Array(MULTIPLIERS.length);
  for (let k = 0; k < MULTIPLIERS.length; k++) {
    const a = MULTIPLIERS[k];
    const b = OFFSETS[k];
    let min = 0xffffffff;
    for (let i = 0; i < shingleHashes.length; i++) {
      let h = (Math.imul(shingleHashes[i], a) + b) | 0;
      h = (h ^ (h >>> 15)) >>> 0;
      if (h < min) min = h;
    }
    mins[k] = min;
  }
  const keys = new Uint32Array(LSH_BANDS);
  for (let band = 0; band < LSH_BANDS; band++) {
    let h = fmix32(band + 1);
    for (let r = 0; r < LSH_ROWS; r++) h = fmix32(h ^ mins[band * LSH_ROWS + r]);
    keys[band] = h;
  }
  return keys;
}

/** Open-addressing table: 32-bit bucket key → first passage id seen (0 = empty slot). */
export class BucketTable {
  private keys = new Uint32Array(1 << 16);
  private ids = new Int32Array(1 << 16);
  private count = 0;

  /** The id already in the bucket, or 0 after storing `id` there. */
  getOrInsert(key: number, id: number): number {
    if (this.count * 10 >= this.ids.length * 7) this.grow();
    const mask = this.ids.length - 1;
    for (let slot = key & mask; ; slot = (slot + 1) & mask) {
      if (this.ids[slot] === 0) {
        this.keys[slot] = key;
        this.ids[slot] = id;
        this.count++;
        return 0;
      }
      if (this.keys[slot] === key) return this.ids[slot];
    }
  }

  /** The id stored under `key`, or 0. */
  lookup(key: number): number {
    const mask = this.ids.length - 1;
    for (let slot = key & mask; this.ids[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.keys[slot] === key) return this.ids[slot];
    }
    return 0;
  }

  get size(): number {
    return this.count;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldIds = this.ids;
    this.keys = new Uint32Array(oldKeys.length * 2);
    this.ids = new Int32Array(oldIds.length * 2);
    this.count = 0;
    for (let i = 0; i < oldIds.length; i++) if (oldIds[i] !== 0) this.getOrInsert(oldKeys[i], oldIds[i]);
  }
}

export interface DedupeSettings {
  exact: boolean;
  near: boolean;
  /** Jaccard similarity of word 3-shingles at or above which two passages are near-duplicates. */
  threshold: number;
}

export interface DuplicateMatch {
  kind: 'exact' | 'near';
  of: number;
  similarity: number;
}

/** Finds, for each new passage, an earlier passage (in the project or this import) it duplicates. */
export class Deduplicator {
  private readonly table = new BucketTable();
  private readonly byHash: Database.Statement<[string], { id: number }>;
  private readonly textById: Database.Statement<[number], { text: string }>;

  constructor(
    db: Database.Database,
    readonly settings: DedupeSettings,
  ) {
    this.byHash = db.prepare('SELECT id FROM passages WHERE text_hash = ? AND duplicate_of IS NULL LIMIT 1');
    this.textById = db.prepare('SELECT text FROM passages WHERE id = ?');
    if (settings.near) {
      // Passages already in the project take part too.
      const existing = db.prepare('SELECT id, text FROM passages WHERE duplicate_of IS NULL ORDER BY id').iterate() as IterableIterator<{ id: number; text: string }>;
      for (const row of existing) this.remember(row.id, bandKeys(shingles(normaliseText(row.text))));
    }
  }

  /**
   * Looks a passage up by its normalised-text hash and (near on) its band keys from bandKeys();
   * `normalised` gives its normalised text, only needed to verify a near candidate.
   */
  check(hash: string, keys: Uint32Array | null, normalised: () => string): DuplicateMatch | null {
    if (this.settings.exact) {
      const row = this.byHash.get(hash);
      if (row) return { kind: 'exact', of: row.id, similarity: 1 };
    }
    if (!this.settings.near || !keys) return null;
    let own: Uint32Array | null = null;
    const tried: number[] = [];
    for (let b = 0; b < keys.length; b++) {
      const candidate = this.peek(keys[b]);
      if (!candidate || tried.includes(candidate)) continue;
      tried.push(candidate);
      const other = this.textById.get(candidate);
      if (!other) continue;
      own ??= shingles(normalised());
      const similarity = jaccard(own, shingles(normaliseText(other.text)));
      if (similarity >= this.settings.threshold) return { kind: 'near', of: candidate, similarity };
    }
    return null;
  }

  /** Registers an original passage's buckets (first passage per bucket wins). */
  remember(id: number, keys: Uint32Array | null): void {
    if (!keys) return;
    for (let b = 0; b < keys.length; b++) this.table.getOrInsert(keys[b], id);
  }

  private peek(key: number): number {
    return this.table.lookup(key);
  }
}
