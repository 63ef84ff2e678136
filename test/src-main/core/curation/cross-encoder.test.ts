import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrossEncoder, CrossEncoderError } from '../../../../src-main/core/curation/cross-encoder.js';

const dir = fileURLToPath(new URL('../../../fixtures/tiny-cross-encoder/', import.meta.url));
const ref = JSON.parse(readFileSync(`${dir}reference.json`, 'utf8')) as {
  pairs: Array<[string, string]>;
  input_ids: number[][];
  token_type_ids: number[][];
  logits: number[];
  cross_encoder_predict: number[];
};

let model: CrossEncoder;
beforeAll(async () => {
  model = await CrossEncoder.load(dir, { threads: 1 });
});
afterAll(() => model?.release());

describe('CrossEncoder (tiny-cross-encoder)', () => {
  it('encodes pairs as the reference tokenizer did', () => {
    ref.pairs.forEach(([q, p], i) => {
      const e = model.tokenizer.encodePair(q, p, { maxLength: model.maxLength });
      expect(e.ids).toEqual(ref.input_ids[i]);
      expect(e.typeIds).toEqual(ref.token_type_ids[i]);
    });
  });

  it('matches the PyTorch logits and CrossEncoder.predict within 1e-4, batched and alone', async () => {
    const logits = await model.logits(ref.pairs, { batchSize: 3 });
    logits.forEach((x, i) => expect(Math.abs(x - ref.logits[i])).toBeLessThan(1e-4));
    const scores = await model.predict(ref.pairs);
    scores.forEach((x, i) => expect(Math.abs(x - ref.cross_encoder_predict[i])).toBeLessThan(1e-4));
    const [alone] = await model.predict([ref.pairs[5]]);
    expect(Math.abs(alone - ref.cross_encoder_predict[5])).toBeLessThan(1e-4);
  });

  it('refuses a folder that is not a sequence classifier', async () => {
    await expect(CrossEncoder.load(fileURLToPath(new URL('../../../fixtures/tiny-bert/', import.meta.url)))).rejects.toThrow(CrossEncoderError);
  });
});
