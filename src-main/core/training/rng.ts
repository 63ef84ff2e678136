// Seeded randomness for training: a small PRNG for shuffling, and stateless seeds for dropout
// derived from (seed, step, site) so that a resumed run draws exactly the masks it would have.
import { mulberry32 } from '../app/mulberry32.js';

export { mulberry32 };

/** Fisher–Yates shuffle (in place) with the given PRNG. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Mixes integers into one 31-bit seed (a murmur3-style finaliser per component). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) % 2147483647;
}

/** A dropout seed generator for one forward pass: each call gives the next site's seed. */
export function dropoutSeeds(seed: number, step: number, pass: number): () => number {
  let site = 0;
  return () => mixSeed(seed, step, pass, site++);
}
