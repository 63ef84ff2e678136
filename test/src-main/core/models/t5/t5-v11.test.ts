// A T5 v1.1-style model built in code (gated-GELU FFN, untied lm_head, random weights): the KV-cached
// decoder matches the full recompute, greedy decoding is padding-invariant, and the config is read
// the way transformers reads it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greedyDecode } from '../../../../../src-main/core/generation/greedy.js';
import { parseT5Config } from '../../../../../src-main/core/models/t5/config.js';
import { relativeBucket } from '../../../../../src-main/core/models/t5/layers.js';
import { randomT5Weights, t5ConfigJson } from '../../../../../src-main/core/models/t5/random-weights.js';
import { T5Model } from '../../../../../src-main/core/models/t5/t5-model.js';
import { maxAbsDiff } from '../fixtures.js';
import { cachedLogits } from './cached-logits.js';

const configJson = t5ConfigJson({ d_model: 48, d_kv: 8, d_ff: 96, num_heads: 6, num_layers: 2, num_decoder_layers: 3, vocab_size: 300, feed_forward_proj: 'gated-gelu' });
const weights = randomT5Weights(configJson, 7);

/** Deterministic pseudo-random token ids in [2, 300) (0 = pad, 1 = EOS), ending with EOS. */
function passage(len: number, salt: number): number[] {
  return [...Array.from({ length: len - 1 }, (_, i) => 2 + ((i * 7919 + salt * 104729) % 298)), 1];
}

describe('T5 v1.1 config', () => {
  it('reads gated-gelu as gelu_new with an untied, unscaled LM head', () => {
    const c = parseT5Config(configJson);
    expect(c).toMatchObject({ gated: true, act: 'gelu_new', tiedLmHead: false, scaleDecoderOutput: false, decoderLayers: 3, heads: 6, dKv: 8 });
    expect(parseT5Config({ ...configJson, feed_forward_proj: 'relu', tie_word_embeddings: undefined })).toMatchObject({ gated: false, act: 'relu', tiedLmHead: true, scaleDecoderOutput: true });
    expect(() => parseT5Config({ ...configJson, feed_forward_proj: 'gelu-gated' })).toThrow(/feed_forward_proj "gelu-gated"/);
  });

  it('relative position buckets follow transformers (bidirectional encoder, causal decoder)', () => {
    // bidirectional, 32 buckets, max distance 128: 16 per direction, 8 exact.
    expect([0, -1, 1, -7, -8, -12, 12, -127, -128, -1000, 1000].map((r) => relativeBucket(r, true, 32, 128))).toEqual([0, 1, 17, 7, 8, 9, 25, 15, 15, 15, 31]);
    // causal: keys in the future share bucket 0; 16 exact distances, then log-spaced up to 31.
    expect([5, 0, -1, -15, -16, -20, -127, -128, -5000].map((r) => relativeBucket(r, false, 32, 128))).toEqual([0, 0, 1, 15, 16, 17, 31, 31, 31]);
  });

  it('refuses an untied config without lm_head.weight', async () => {
    const without = new Map(weights);
    without.delete('lm_head.weight');
    await expect(T5Model.fromWeights(configJson, without, { threads: 1 })).rejects.toThrow(/lm_head\.weight/);
  });
});

describe('T5 v1.1 runtime (random weights)', () => {
  let model: T5Model;
  beforeAll(async () => {
    model = await T5Model.fromWeights(configJson, weights, { threads: 1 });
  });
  afterAll(() => model?.release());

  it('cached decoder logits equal the full recompute within 1e-4 over 24 positions', async () => {
    const inputs = [passage(30, 1), passage(11, 2), passage(19, 3)];
    const decoderIds = [0, 1, 2].map((s) => [0, ...passage(24, s + 10).slice(0, 23)]);
    const full = await model.fullLogits(inputs, decoderIds);
    const cached = await cachedLogits(model, inputs, decoderIds);
    expect(full.dims).toEqual([3, 24, 300]);
    expect(maxAbsDiff(cached, full.data)).toBeLessThan(1e-4);
  });

  it('the untied lm_head is what produces the logits', async () => {
    const inputs = [passage(9, 4)];
    const base = await model.fullLogits(inputs, [[0, 5]]);
    const swapped = new Map(weights);
    swapped.set('lm_head.weight', { shape: [300, 48], data: weights.get('lm_head.weight')!.data.map((x) => -x) });
    const other = await T5Model.fromWeights(configJson, swapped, { threads: 1 });
    try {
      const negated = await other.fullLogits(inputs, [[0, 5]]);
      expect(maxAbsDiff(negated.data, base.data.map((x) => -x))).toBeLessThan(1e-5);
    } finally {
      await other.release();
    }
  });

  it('greedy decoding gives the same ids alone and inside a padded batch', async () => {
    const inputs = [passage(40, 5), passage(6, 6), passage(23, 7), passage(2, 8)];
    const alone = [];
    for (const ids of inputs) alone.push(...(await greedyDecode(model, [ids], { maxNewTokens: 16 })));
    expect(await greedyDecode(model, inputs, { maxNewTokens: 16 })).toEqual(alone);
    expect(await greedyDecode(model, [...inputs].reverse(), { maxNewTokens: 16 })).toEqual([...alone].reverse());
    expect(new Set(alone.map((ids) => ids.join(','))).size).toBeGreaterThan(1); // the passages do steer the output
  });
});
