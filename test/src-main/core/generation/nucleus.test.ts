// The bucketed top-p (nucleus.ts, through Warper) against a plain full sort: the same kept tokens
// and the same draw for every u, on vocabularies large enough that buckets matter.
import { describe, expect, it } from 'vitest';
import { checkSampling, randomStream, Warper } from '../../../../src-main/core/generation/sampling.js';

/** transformers' rule with one full sort: ascending (value, id), drop while fround(cumsum) ≤ 1 − p, keep the last. */
function reference(logits: Float32Array, topP: number, topK = 0): { kept: number[]; draw: (u: number) => number } {
  const ids = [...logits.keys()].filter((i) => logits[i] > -Infinity);
  const kth = topK > 0 ? [...ids].map((i) => logits[i]).sort((a, b) => b - a)[topK - 1] : -Infinity;
  const candidates = ids.filter((i) => logits[i] >= kth).sort((a, b) => logits[a] - logits[b] || a - b);
  const max = logits[candidates[candidates.length - 1]];
  const exp = candidates.map((i) => Math.exp(logits[i] - max));
  const total = exp.reduce((s, x) => s + x, 0);
  const probs = new Map(candidates.map((id, k) => [id, Math.fround(exp[k] / total)]));
  const limit = Math.fround(1 - topP);
  let cumulative = 0;
  let from = candidates.length - 1;
  for (let k = 0; k < candidates.length; k++) {
    cumulative += probs.get(candidates[k])!;
    if (Math.fround(cumulative) > limit) {
      from = k;
      break;
    }
  }
  const kept = candidates.slice(from);
  const sum = kept.reduce((s, id) => s + probs.get(id)!, 0);
  const draw = (u: number) => {
    let target = u * sum;
    for (let k = kept.length - 1; k > 0; k--) if ((target -= probs.get(kept[k])!) < 0) return kept[k];
    return kept[0];
  };
  return { kept, draw };
}

function normalLogits(vocab: number, scale: number, seed: number, quantum = 0): Float32Array {
  const rand = randomStream(seed, 0, 0);
  return Float32Array.from({ length: vocab }, () => {
    const x = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()) * scale;
    return quantum ? Math.round(x / quantum) * quantum : x;
  });
}

const CASES: Array<{ name: string; logits: Float32Array; topP: number; topK?: number }> = [
  { name: 'flat (random weights)', logits: normalLogits(32128, 1, 1), topP: 0.95 },
  { name: 'peaked (trained model)', logits: normalLogits(32128, 6, 2), topP: 0.9 },
  { name: 'many exact ties', logits: normalLogits(5000, 2, 3, 0.25), topP: 0.8 },
  { name: 'top-k then top-p', logits: normalLogits(32128, 2, 4), topP: 0.7, topK: 300 },
  { name: 'p below the top token', logits: normalLogits(1000, 5, 5), topP: 1e-4 },
  { name: 'all equal', logits: new Float32Array(3000), topP: 0.5 },
];
CASES[1].logits.fill(-Infinity, 100, 400);

describe('top-p without a full sort', () => {
  for (const c of CASES) {
    it(`${c.name}: same kept tokens and draws as a full sort`, () => {
      const warper = new Warper(c.logits.length, checkSampling({ topP: c.topP, topK: c.topK ?? 0 }));
      warper.warp(c.logits, 0);
      const ref = reference(c.logits, c.topP, c.topK);
      expect([...warper.keptIds()]).toEqual(ref.kept);
      const rand = randomStream(9, 0, 0);
      const us = [0, 0.5, 0.999999, ...Array.from({ length: 500 }, rand)];
      for (const u of us) expect(warper.draw(u)).toBe(ref.draw(u));
    });
  }

  it('keeps working on a row after another row (buffers reset)', () => {
    const a = normalLogits(4000, 1, 7);
    const b = normalLogits(4000, 4, 8);
    const warper = new Warper(4000, checkSampling({ topP: 0.9 }));
    warper.warp(a, 0);
    warper.warp(b, 0);
    expect([...warper.keptIds()]).toEqual(reference(b, 0.9).kept);
  });
});
