// Sampling as transformers' generate(do_sample=True) does it: temperature, then top-k (keeps every
// token tied with the k-th value), then top-p (removes tokens whose ascending cumulative probability
// is ≤ 1 − p, always keeping the most likely one; nucleus.ts does it without a full sort), then a
// draw from the softmax over what is left.
// Randomness: one seeded stream per (passage, sequence), so the draws do not depend on batch size,
// batch order or how many other passages ran before.
import type { TokenChooser } from './decode-loop.js';
import { Nucleus } from './nucleus.js';

export interface SamplingOptions {
  temperature?: number; // 1 = unchanged
  topK?: number; // 0 = off
  topP?: number; // 1 = off
}

export class SamplingError extends Error {
  override name = 'SamplingError';
}

export function checkSampling(o: SamplingOptions): Required<SamplingOptions> {
  const temperature = o.temperature ?? 1;
  const topK = o.topK ?? 0;
  const topP = o.topP ?? 1;
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new SamplingError(`temperature must be a positive number, got ${temperature}`);
  if (!Number.isInteger(topK) || topK < 0) throw new SamplingError(`top-k must be a non-negative integer (0 = off), got ${topK}`);
  if (!(topP > 0 && topP <= 1)) throw new SamplingError(`top-p must be in (0, 1], got ${topP}`);
  return { temperature, topK, topP };
}

/** Reusable per-vocabulary buffers, so choosing a token allocates nothing per step. */
export class Warper {
  private readonly scaled: Float32Array;
  private readonly probs: Float64Array;
  private readonly order: Uint32Array;
  private readonly topValues: Float32Array;
  private readonly nucleus: Nucleus;
  /** Surviving token ids (ascending id) of the last warp() without top-p, and how many. */
  private readonly kept: Uint32Array;
  private keptCount = 0;
  private usedTopP = false;

  constructor(readonly vocab: number, private readonly o: Required<SamplingOptions>) {
    this.scaled = new Float32Array(vocab);
    this.probs = new Float64Array(vocab);
    this.order = new Uint32Array(vocab);
    this.kept = new Uint32Array(vocab);
    this.topValues = new Float32Array(Math.max(1, Math.min(o.topK, vocab)));
    this.nucleus = new Nucleus(vocab, this.scaled, this.probs);
  }

  /** Applies temperature → top-k → top-p to logits[offset, offset + vocab); keptIds() and draw() then read the result. */
  warp(logits: Float32Array, offset: number): void {
    const { vocab, scaled, probs, order } = this;
    const { temperature, topK, topP } = this.o;
    // `+ 0` turns -0 into +0, so the nucleus's bit-pattern sort keys order ±0 as one value (as `a - b` does).
    if (temperature === 1) for (let i = 0; i < vocab; i++) scaled[i] = logits[offset + i] + 0;
    else for (let i = 0; i < vocab; i++) scaled[i] = Math.fround(logits[offset + i] / temperature) + 0;
    // top-k: the k-th largest value; every token ≥ it survives (ties with the k-th included).
    const threshold = topK > 0 && topK < vocab ? this.kthLargest(topK) : -Infinity;
    let count = 0;
    let max = -Infinity;
    let min = Infinity;
    for (let i = 0; i < vocab; i++) {
      const v = scaled[i];
      if (v >= threshold && v > -Infinity) {
        order[count++] = i;
        if (v > max) max = v;
        if (v < min) min = v;
      }
    }
    if (count === 0) throw new SamplingError('every token has logit -Infinity; nothing can be sampled');
    let sum = 0;
    for (let c = 0; c < count; c++) {
      const id = order[c];
      sum += probs[id] = Math.exp(scaled[id] - max);
    }
    this.usedTopP = topP < 1;
    if (this.usedTopP) {
      this.nucleus.filter(order, count, sum, min, max, Math.fround(1 - topP)); // normalises probs as it buckets them
      return;
    }
    for (let c = 0; c < count; c++) probs[order[c]] = Math.fround(probs[order[c]] / sum);
    this.kept.set(order.subarray(0, count));
    this.keptCount = count;
  }

  /** Token ids that survived the last warp(). */
  keptIds(): Uint32Array {
    return this.usedTopP ? this.nucleus.keptIds() : this.kept.subarray(0, this.keptCount);
  }

  /** softmax over the surviving tokens: token id → probability (for tests and diagnostics). */
  keptProbabilities(): Map<number, number> {
    const ids = this.keptIds();
    let sum = 0;
    for (const id of ids) sum += this.probs[id];
    return new Map(Array.from(ids, (id) => [id, this.probs[id] / sum]));
  }

  /** Draws one surviving token with u ∈ [0, 1). */
  draw(u: number): number {
    if (this.usedTopP) return this.nucleus.draw(u);
    let sum = 0;
    for (let k = 0; k < this.keptCount; k++) sum += this.probs[this.kept[k]];
    let target = u * sum;
    for (let k = this.keptCount - 1; k > 0; k--) {
      target -= this.probs[this.kept[k]];
      if (target < 0) return this.kept[k];
    }
    return this.kept[0];
  }

  private kthLargest(k: number): number {
    // The k largest values so far, ascending; insertion keeps it sorted (k is small in practice).
    const top = this.topValues;
    top.fill(-Infinity);
    for (let i = 0; i < this.vocab; i++) {
      const v = this.scaled[i];
      if (v <= top[0]) continue;
      let j = 0;
      while (j + 1 < k && top[j + 1] < v) {
        top[j] = top[j + 1];
        j++;
      }
      top[j] = v;
    }
    return top[0];
  }
}

/** The starting state of the stream of (seed, passage, sequence): mixed into 32 bits. */
export function streamSeed(seed: number, passage: number, sequence: number): number {
  return mix(mix(mix(0x9e3779b9 ^ seed) ^ passage) ^ Math.imul(sequence + 1, 0x85ebca6b));
}

/** Advances stream `i` of `states` (mulberry32) and returns its next uniform in [0, 1). */
export function nextUniform(states: Uint32Array, i: number): number {
  const a = (states[i] = (states[i] + 0x6d2b79f5) >>> 0);
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A seeded uniform stream in [0, 1) per (seed, passage, sequence): mulberry32 over a mixed 32-bit state. */
export function randomStream(seed: number, passage: number, sequence: number): () => number {
  const state = Uint32Array.of(streamSeed(seed, passage, sequence));
  return () => nextUniform(state, 0);
}

function mix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A TokenChooser for decode(): row r is sequence (r mod n) of passage passageIds[⌊r / n⌋], each with
 * its own stream, so a passage draws the same tokens whatever batch it lands in.
 */
export function samplingChooser(vocab: number, opts: SamplingOptions & { seed: number; numReturnSequences: number; passageIds: number[] }): TokenChooser {
  const warper = new Warper(vocab, checkSampling(opts));
  const n = opts.numReturnSequences;
  const streams = Array.from({ length: opts.passageIds.length * n }, (_, r) => randomStream(opts.seed, opts.passageIds[Math.floor(r / n)], r % n));
  return (logits, offset, _vocab, row) => {
    warper.warp(logits, offset);
    return warper.draw(streams[row]());
  };
}
