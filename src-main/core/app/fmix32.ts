// murmur3's 32-bit finaliser, the one integer mixer that dedupe's MinHash and mining's keyed
// draws share: a cheap, well-mixed permutation of 32-bit integers.

/** murmur3's finaliser: a cheap, well-mixed 32-bit permutation (returns an unsigned 32-bit integer). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
