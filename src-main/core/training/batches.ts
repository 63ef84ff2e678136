// Batches for training. For losses with in-batch negatives (MNR), no-duplicates batching (sentence-transformers' NoDuplicatesBatchSampler):
// no query or passage text appears twice in a batch, because GenQ gives each passage several
// queries and a repeated passage would become its own false negative.
import { mulberry32, mixSeed, shuffleInPlace } from './rng.js';

export interface Pair {
  query: string;
  passage: string;
}

/** One training example: N text columns (query, positive, negatives…) and optional labels (e.g. teacher margins). */
export interface Example {
  texts: string[];
  labels?: number[];
}

export function pairExamples(pairs: Pair[]): Example[] {
  return pairs.map((p) => ({ texts: [p.query, p.passage] }));
}

/** The text columns of a pair or an example. */
function textsOf(x: Pair | Example): string[] {
  return 'texts' in x ? x.texts : [x.query, x.passage];
}

export class BatchingError extends Error {
  override name = 'BatchingError';
}

function hasDuplicate(pairs: Array<Pair | Example>, batch: number[]): boolean {
  const seen = new Set<string>();
  for (const i of batch) {
    for (const t of textsOf(pairs[i])) {
      if (seen.has(t)) return true;
      seen.add(t);
    }
  }
  return false;
}

/**
 * Greedy no-duplicates batching over `order`: each batch takes the next items whose texts are not
 * yet in it; skipped items wait for a later batch. The last batch may be smaller; a batch of one
 * pair (no negatives, zero loss) is dropped.
 */
export function noDuplicateBatches(pairs: Array<Pair | Example>, order: number[], batchSize: number): number[][] {
  const remaining = [...order];
  const batches: number[][] = [];
  while (remaining.length > 0) {
    const texts = new Set<string>();
    const batch: number[] = [];
    const left: number[] = [];
    for (const i of remaining) {
      const item = textsOf(pairs[i]);
      if (batch.length < batchSize && item.every((t) => !texts.has(t)) && new Set(item).size === item.length) {
        batch.push(i);
        for (const t of item) texts.add(t);
      } else {
        left.push(i);
      }
    }
    if (batch.length === 0) break; // only self-duplicate pairs (query === passage) remain
    if (batch.length > 1) batches.push(batch);
    remaining.splice(0, remaining.length, ...left);
  }
  return batches;
}

/**
 * The batches of one epoch. shuffle: seeded per (seed, epoch), then no-duplicates batching.
 * No shuffle: file order in consecutive slices pairs[B·s : B·s+B]; reordered (no-duplicates, file
 * order kept as far as possible) only when some slice holds a duplicate text.
 * `inBatchNegatives: false` (e.g. MarginMSE): plain slices of the (shuffled) order, duplicates
 * allowed, single-example batches kept.
 */
export function epochBatches(pairs: Array<Pair | Example>, batchSize: number, opts: { shuffle: boolean; seed: number; epoch: number; inBatchNegatives?: boolean }): number[][] {
  const inBatch = opts.inBatchNegatives ?? true;
  if (inBatch && pairs.length < 2) throw new BatchingError(`MNR training needs at least 2 pairs, got ${pairs.length}`);
  if (pairs.length === 0) throw new BatchingError('no training examples');
  const order = pairs.map((_, i) => i);
  if (opts.shuffle) shuffleInPlace(order, mulberry32(mixSeed(opts.seed, opts.epoch)));
  const slices: number[][] = [];
  for (let s = 0; s < order.length; s += batchSize) slices.push(order.slice(s, s + batchSize));
  if (!inBatch) return slices;
  if (opts.shuffle) return noDuplicateBatches(pairs, order, batchSize);
  if (slices.some((b) => hasDuplicate(pairs, b))) return noDuplicateBatches(pairs, order, batchSize);
  return slices.filter((b) => b.length > 1);
}
