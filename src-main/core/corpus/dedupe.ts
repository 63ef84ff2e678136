// Duplicate passages: exact (hash of the normalised text, looked up through the
// passages_text_hash index) and near (MinHash signatures over word 3-shingles, banded LSH to
// find candidates, then the exact Jaccard of the two shingle sets decides). The LSH buckets
// live in a typed-array hash table so a million passages cost tens of MB, not a Map per band.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** NFKC, lower case, punctuation dropped, whitespace collapsed: "Hello,  World!" → "hello world". */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** 128-bit (32 hex) prefix of sha256 over the normalised text: stored in passages.text_hash. */
export function textHash(normalised: string): string {
  return createHash('sha256').update(normalised).digest('hex').slice(0, 32);
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's finaliser: a cheap, well-mixed 32-bit permutation. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes of the word 3-shingles (the whole text when it has fewer than 3 words). */
export function shingles(normalised: string): Set<number> {
  const words = normalised.split(' ').filter(Boolean);
  const out = new Set<number>();
  if (words.length < 3) {
    if (words.length) out.add(fnv1a(words.join(' ')));
    return out;
  }
  for (let i = 0; i + 3 <= words.length; i++) out.add(fnv1a(`${words[i]} ${words[i + 1]} ${words[i + 2]}`));
  return out;
}

export function jaccard(a: Set<number>, b: Set<number>): number {
  if (!a.size && !b.size) return 1;
  let both = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) both++;
  return both / (a.size + b.size - both);
}

// 8 bands × 6 rows: a pair with Jaccard 0.9 becomes a candidate with p ≈ 0.998, one with 0.5
// with p ≈ 0.12 (and is then rejected by the exact Jaccard check).
export const LSH_BANDS = 8;
export const LSH_ROWS = 6;
const SEEDS = Uint32Array.from({ length: LSH_BANDS * LSH_ROWS }, (_, k) => fmix32(0x9e3779b9 + k * 0x632be5ab));

/** One LSH bucket key per band. */
export function bandKeys(shingleSet: Set<number>): Uint32Array {
  const mins = new Uint32Array(SEEDS.length).fill(0xffffffff);
  for (const s of shingleSet) {
    for (let k = 0; k < SEEDS.length; k++) {
      const h = fmix32(s ^ SEEDS[k]);
      if (h < mins[k]) mins[k] = h;
    }
  }
  const keys = new Uint32Array(LSH_BANDS);
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = fmix32(b + 1);
    for (let r = 0; r < LSH_ROWS; r++) h = fmix32(h ^ mins[b * LSH_ROWS + r]);
    keys[b] = h;
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

  /** Looks the passage up; `keys` is what to pass to remember() if it is kept as an original. */
  check(normalised: string, hash: string): { match: DuplicateMatch | null; keys: Uint32Array | null } {
    if (this.settings.exact) {
      const row = this.byHash.get(hash);
      if (row) return { match: { kind: 'exact', of: row.id, similarity: 1 }, keys: null };
    }
    if (!this.settings.near) return { match: null, keys: null };
    const own = shingles(normalised);
    const keys = bandKeys(own);
    const tried = new Set<number>();
    for (let b = 0; b < keys.length; b++) {
      const candidate = this.peek(keys[b]);
      if (!candidate || tried.has(candidate)) continue;
      tried.add(candidate);
      const other = this.textById.get(candidate);
      if (!other) continue;
      const similarity = jaccard(own, shingles(normaliseText(other.text)));
      if (similarity >= this.settings.threshold) return { match: { kind: 'near', of: candidate, similarity }, keys };
    }
    return { match: null, keys };
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
