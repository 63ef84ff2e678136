// Seeded draws keyed by (seed, query id, …): each query's random stream depends only on its own
// keys, so a draw is the same whatever batch, order or resume the query was processed in.
import { fmix32 } from '../app/fmix32.js';
import { mulberry32 } from '../app/mulberry32.js';

/** murmur3's finaliser over the keys, chained: a well-mixed 32-bit seed for mulberry32. */
export function keyedSeed(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const key of keys) {
    h = fmix32(h ^ Math.imul(key >>> 0, 0xcc9e2d51) ^ Math.floor(key / 2 ** 32));
  }
  return h;
}

/** A Fisher–Yates shuffled copy of `items` with the stream of `keys`. */
export function shuffled<T>(items: readonly T[], ...keys: number[]): T[] {
  const rand = mulberry32(keyedSeed(...keys));
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** `n` of `items` without replacement (all of them, shuffled, when there are at most n). */
export function sampleWithoutReplacement<T>(items: readonly T[], n: number, ...keys: number[]): T[] {
  return shuffled(items, ...keys).slice(0, n);
}
