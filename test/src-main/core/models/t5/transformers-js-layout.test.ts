// The merged decoder (Optimum/transformers.js layout, If on use_cache_branch) built from the tiny-t5
// weights: @huggingface/transformers' own greedy generate on it gives transformers' (PyTorch) ids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoModelForSeq2SeqLM, env, Tensor } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFolder, loadWeights } from '../../../../../src-main/core/models/folder.js';
import { writeTransformersJsT5 } from '../../../../../src-main/core/models/t5/transformers-js-layout.js';
import { FIXTURES, tempDir } from '../fixtures.js';

const tmp = tempDir('tjs-t5');
afterAll(() => tmp.remove());

describe('transformers.js layout', () => {
  it('transformers.js greedy on our encoder_model.onnx + decoder_model_merged.onnx matches PyTorch', async () => {
    const dir = join(FIXTURES, 'tiny-t5');
    const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as { input_ids: number[][]; greedy: { output_ids: number[][] } };
    const folder = loadModelFolder(dir);
    writeTransformersJsT5(join(tmp.path, 'tiny-t5-tjs'), folder.config, loadWeights(folder));
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = `${tmp.path}/`;
    const model = await AutoModelForSeq2SeqLM.from_pretrained('tiny-t5-tjs', { dtype: 'fp32' });
    try {
      for (let i = 0; i < ref.input_ids.length; i++) {
        const ids = ref.input_ids[i];
        const out = (await model.generate({
          input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
          attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
          max_new_tokens: 12,
          do_sample: false,
        } as never)) as Tensor;
        expect(Array.from(out.data as BigInt64Array, Number)).toEqual(ref.greedy.output_ids[i]);
      }
    } finally {
      await model.dispose();
    }
  });
});
