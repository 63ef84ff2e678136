// Exactness of the T5 runtime against PyTorch/transformers (test/fixtures/tiny-t5): tokenization,
// encoder states, teacher-forced logits (built graphs and the folder's shipped ONNX exports), greedy
// output alone and inside padded batches, and the KV-cached decoder against a full recompute.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greedyDecode } from '../../../../../src-main/core/generation/greedy.js';
import { readSafetensors } from '../../../../../src-main/core/models/safetensors.js';
import { loadModelFolder } from '../../../../../src-main/core/models/folder.js';
import { t5GraphPaths } from '../../../../../src-main/core/models/t5/graph-cache.js';
import { padIds, T5Model } from '../../../../../src-main/core/models/t5/t5-model.js';
import type { TextTokenizer } from '../../../../../src-main/core/models/tokenizer.js';
import { FIXTURES, maxAbsDiff, tempDir } from '../fixtures.js';
import { cachedLogits } from './cached-logits.js';

interface T5Reference {
  passages: string[];
  input_ids: number[][];
  decoder_input_ids: number[][];
  greedy: { max_new_tokens: number; output_ids: number[][]; texts: string[] };
}

const dir = join(FIXTURES, 'tiny-t5');
const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as T5Reference;
const logitsRef = readSafetensors(join(dir, 'reference_logits.safetensors'));
const tmp = tempDir('t5');
afterAll(() => tmp.remove());

/** Encoder states vs the reference, over real (unpadded) tokens only. */
function encoderDiff(ours: Float32Array): number {
  const hidden = logitsRef.float32('encoder_last_hidden_state'); // [4, 128, 64]
  const mask = logitsRef.float32('encoder_attention_mask'); // [4, 128]
  expect(ours.length).toBe(hidden.length);
  let m = 0;
  for (let i = 0; i < hidden.length; i++) if (mask[Math.floor(i / 64)] > 0) m = Math.max(m, Math.abs(ours[i] - hidden[i]));
  return m;
}

for (const useShippedOnnx of [false, true]) {
  describe(`tiny-t5 (${useShippedOnnx ? 'shipped onnx/ encoder + decoder' : 'graphs built from safetensors'})`, () => {
    let model: T5Model;
    let tokenizer: TextTokenizer;
    beforeAll(async () => {
      ({ model, tokenizer } = await T5Model.load(dir, { cacheDir: join(tmp.path, 'cache'), threads: 1, useShippedOnnx }));
    });
    afterAll(() => model?.release());

    it('tokenizes the passages exactly like the reference (truncated to 128 tokens with </s>)', () => {
      expect(model.graphs).toBe(useShippedOnnx ? 'shipped' : 'built');
      ref.passages.forEach((p, i) => expect(tokenizer.encode(p, { maxLength: 128 })).toEqual(ref.input_ids[i]));
    });

    it('encoder states within 1e-4 of PyTorch', async () => {
      const hidden = await model.encode(padIds(ref.input_ids, model.padId));
      expect(hidden.dims).toEqual([4, 128, 64]);
      expect(encoderDiff(hidden.data)).toBeLessThan(1e-4);
    });

    it('teacher-forced logits within 1e-4 of PyTorch', async () => {
      const logits = await model.fullLogits(ref.input_ids, ref.decoder_input_ids);
      expect(logits.dims).toEqual([4, 8, 4096]);
      expect(maxAbsDiff(logits.data, logitsRef.float32('logits'))).toBeLessThan(1e-4);
    });
  });
}

describe('tiny-t5 decoding with the KV cache', () => {
  let model: T5Model;
  beforeAll(async () => {
    ({ model } = await T5Model.load(dir, { cacheDir: join(tmp.path, 'cache'), threads: 1 }));
  });
  afterAll(() => model?.release());

  it('cached decoder step logits equal the full recompute (1e-4) and PyTorch', async () => {
    const cached = await cachedLogits(model, ref.input_ids, ref.decoder_input_ids);
    const full = await model.fullLogits(ref.input_ids, ref.decoder_input_ids);
    expect(maxAbsDiff(cached, full.data)).toBeLessThan(1e-4);
    expect(maxAbsDiff(cached, logitsRef.float32('logits'))).toBeLessThan(1e-4);
  });

  it('greedy output ids are identical to transformers for each passage alone', async () => {
    for (let i = 0; i < ref.input_ids.length; i++) {
      expect(await greedyDecode(model, [ref.input_ids[i]], { maxNewTokens: ref.greedy.max_new_tokens })).toEqual([ref.greedy.output_ids[i]]);
    }
  });

  it('greedy output ids are identical inside padded batches (any order, mixed lengths)', async () => {
    const maxNewTokens = ref.greedy.max_new_tokens;
    expect(await greedyDecode(model, ref.input_ids, { maxNewTokens })).toEqual(ref.greedy.output_ids);
    // A short passage padded against long ones, and one row duplicated.
    const order = [2, 0, 3, 1, 2];
    const short = ref.input_ids[2].slice(-20);
    const alone = await greedyDecode(model, [short], { maxNewTokens });
    const batch = await greedyDecode(model, [...order.map((i) => ref.input_ids[i]), short], { maxNewTokens });
    expect(batch).toEqual([...order.map((i) => ref.greedy.output_ids[i]), alone[0]]);
  });

  it('stops at max_new_tokens', async () => {
    const out = await greedyDecode(model, ref.input_ids, { maxNewTokens: 3 });
    expect(out).toEqual(ref.greedy.output_ids.map((ids) => ids.slice(0, 4)));
  });
});

describe('tiny-t5 graph cache', () => {
  it('builds the four graphs once, keyed by the weights hash, and reuses them', async () => {
    const cacheDir = join(tmp.path, 'cache-reuse');
    const folder = loadModelFolder(dir);
    const first = await t5GraphPaths(folder, cacheDir);
    expect(Object.keys(first).sort()).toEqual(['crossKv', 'encoder', 'full', 'step']);
    const mtimes = Object.values(first).map((p) => statSync(p).mtimeMs);
    const second = await t5GraphPaths(folder, cacheDir);
    expect(second).toEqual(first);
    expect(Object.values(second).map((p) => statSync(p).mtimeMs)).toEqual(mtimes);
    // Another checkpoint (other config) gets other graphs.
    const other = await t5GraphPaths({ ...folder, config: { ...folder.config, layer_norm_epsilon: 1e-5 } }, cacheDir);
    expect(other.step).not.toBe(first.step);
  });
});
