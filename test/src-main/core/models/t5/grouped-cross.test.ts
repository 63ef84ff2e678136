// The step graph's grouped cross-attention: a passage's K/V fed once for its `repeat` sequences must
// give the same logits as one K/V copy per row, also after the batch is gathered (shrunk) into whole
// groups or into arbitrary rows.
import { describe, expect, it } from 'vitest';
import type { Past } from '../../../../../src-main/core/generation/decode-loop.js';
import { randomT5Weights, t5ConfigJson } from '../../../../../src-main/core/models/t5/random-weights.js';
import { T5Model } from '../../../../../src-main/core/models/t5/t5-model.js';

const SIZES = { d_model: 32, d_kv: 8, d_ff: 64, num_heads: 4, num_layers: 2, vocab_size: 200, feed_forward_proj: 'relu' } as const;
const REPEAT = 3;
const PASSAGES = [
  [5, 17, 42, 9, 1],
  [7, 3, 1],
  [11, 12, 13, 14, 15, 16, 1],
];

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

/** Row r's decoder token at step t, distinct per row so that rows of one passage diverge. */
const token = (r: number, t: number) => BigInt(2 + ((r * 31 + t * 7) % 150));

async function run(model: T5Model, inputs: number[][], repeat: number, keepAfterStep1: Int32Array): Promise<{ logits: Float32Array[]; groupsAfter: number }> {
  let ctx = await model.prepare(inputs, repeat);
  let past: Past = model.initialPast(ctx.rows);
  let rowOf = Int32Array.from({ length: ctx.rows }, (_, r) => r);
  const logits: Float32Array[] = [];
  for (let t = 0; t < 3; t++) {
    const out = await model.step(ctx, BigInt64Array.from(rowOf, (r) => token(r, t)), past);
    logits.push(out.logits);
    past = out.past;
    if (t === 1) {
      ctx = model.gatherContext(ctx, keepAfterStep1);
      past = model.gatherPast(past, keepAfterStep1);
      rowOf = Int32Array.from(keepAfterStep1, (p) => rowOf[p]);
    }
  }
  return { logits, groupsAfter: ctx.feeds.encoder_attention_mask.dims[0] };
}

describe('grouped cross-attention in the decoder step', () => {
  it('matches one K/V copy per row, before and after gathering rows', async () => {
    const configJson = t5ConfigJson(SIZES);
    const model = await T5Model.fromWeights(configJson, randomT5Weights(configJson, 5), { threads: 1 });
    try {
      const expanded = PASSAGES.flatMap((p) => Array.from({ length: REPEAT }, () => p)); // each passage as its own rows
      const ctx = await model.prepare(PASSAGES, REPEAT);
      expect(ctx.rows).toBe(9);
      expect(ctx.feeds['cross_key.0'].dims).toEqual([3, 4, 7, 8]); // once per passage

      const cases: Array<{ keep: number[]; groups: number }> = [
        { keep: [0, 1, 2, 6, 7, 8], groups: 2 }, // whole passages: stays grouped
        { keep: [0, 2, 4, 5, 8], groups: 5 }, // partial passages: one K/V row per row
      ];
      for (const c of cases) {
        const keep = Int32Array.from(c.keep);
        const grouped = await run(model, PASSAGES, REPEAT, keep);
        const perRow = await run(model, expanded, 1, keep);
        expect(grouped.groupsAfter).toBe(c.groups);
        expect(perRow.groupsAfter).toBe(c.keep.length);
        grouped.logits.forEach((l, t) => expect(maxAbsDiff(l, perRow.logits[t])).toBeLessThan(1e-5));
        // Rows of one passage got different tokens, so their logits differ: the test sees the grouping.
        expect(maxAbsDiff(grouped.logits[1].subarray(0, 200), grouped.logits[1].subarray(200, 400))).toBeGreaterThan(1e-3);
      }
    } finally {
      await model.release();
    }
  });
});
