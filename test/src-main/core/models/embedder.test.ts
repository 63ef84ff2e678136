// Exactness against PyTorch/sentence-transformers (test/fixtures/*/reference.json), for the graph we
// build from safetensors and for the folder's shipped onnx/model.onnx.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Embedder } from '../../../../src-main/core/models/embedder.js';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../../../../src-main/core/models/safetensors.js';
import { copyFixture, FIXTURES, maxAbsDiff, reference, referenceHidden, tempDir } from './fixtures.js';

const tmp = tempDir('embed');
afterAll(() => tmp.remove());
const cacheDir = join(tmp.path, 'cache');

/** Our hidden states vs PyTorch's, over real (unpadded) tokens only. */
function hiddenDiff(ours: { data: Float32Array; dims: number[] }, name: string): number {
  const ref = referenceHidden(name);
  expect(ours.dims).toEqual(ref.dims);
  const h = ref.dims[2];
  let m = 0;
  for (let i = 0; i < ref.hidden.length; i++) if (ref.mask[Math.floor(i / h)] > 0) m = Math.max(m, Math.abs(ours.data[i] - ref.hidden[i]));
  return m;
}

for (const name of ['tiny-bert', 'tiny-mpnet']) {
  for (const useShippedOnnx of [false, true]) {
    describe(`${name} (${useShippedOnnx ? 'shipped onnx/model.onnx' : 'graph built from safetensors'})`, () => {
      const ref = reference(name);
      let embedder: Embedder;
      afterAll(() => embedder?.release());

      it('loads on the CPU provider and tokenizes exactly like the reference', async () => {
        embedder = await Embedder.load(join(FIXTURES, name), { cacheDir, threads: 1, useShippedOnnx });
        expect(embedder.graph).toBe(useShippedOnnx ? 'shipped' : 'built');
        expect(embedder.provider).toBe('cpu');
        ref.sentences.forEach((s, i) => expect(embedder.tokenize(s)).toEqual(ref.input_ids[i]));
      });

      it('last hidden states within 1e-4 of PyTorch', async () => {
        expect(hiddenDiff(await embedder.hiddenStates(ref.sentences), name)).toBeLessThan(1e-4);
      });

      it('embeddings within 1e-4 of sentence-transformers', async () => {
        const got = await embedder.embed(ref.sentences, { batchSize: 3 });
        got.forEach((v, i) => expect(maxAbsDiff(v, ref.embeddings[i])).toBeLessThan(1e-4));
      });

      it('batch composition does not change an embedding (alone vs padded in a batch) within 1e-5', async () => {
        const all = await embedder.embed(ref.sentences, { batchSize: 8 });
        for (const i of [2, 5]) {
          const [alone] = await embedder.embed([ref.sentences[i]]);
          expect(maxAbsDiff(alone, all[i])).toBeLessThan(1e-5);
        }
      });
    });
  }
}

describe('graph cache', () => {
  it('built each fixture graph once, keyed by the weights hash', async () => {
    const graphs = readdirSync(join(cacheDir, 'onnx')).filter((f) => f.endsWith('.onnx'));
    expect(graphs.filter((f) => f.startsWith('bert-'))).toHaveLength(1);
    expect(graphs.filter((f) => f.startsWith('mpnet-'))).toHaveLength(1);
    const again = await Embedder.load(join(FIXTURES, 'tiny-bert'), { cacheDir, threads: 1 });
    expect(existsSync(again.graphPath)).toBe(true);
    expect(readdirSync(join(cacheDir, 'onnx')).filter((f) => f.endsWith('.onnx'))).toHaveLength(2);
    await again.release();
  });
});

describe('folders that are not sentence-transformers exports', () => {
  it('a masked-LM checkpoint (mpnet. prefix, lm_head.*, no modules.json) embeds with mean pooling like the reference', async () => {
    const dir = join(tmp.path, 'mpnet-mlm');
    copyFixture('tiny-mpnet', tmp.path);
    const src = join(tmp.path, 'tiny-mpnet');
    const st = readSafetensors(join(FIXTURES, 'tiny-mpnet', 'model.safetensors'));
    const tensors: Record<string, TensorToWrite> = {};
    for (const [n, info] of st.tensors) tensors[`mpnet.${n}`] = { shape: info.shape, data: st.float32(n) };
    tensors['lm_head.dense.weight'] = { shape: [64, 64], data: new Float32Array(64 * 64).fill(0.5) };
    tensors['lm_head.dense.bias'] = { shape: [64], data: new Float32Array(64) };
    tensors['lm_head.decoder.weight'] = { shape: [4096, 64], data: new Float32Array(4096 * 64) };
    tensors['lm_head.bias'] = { shape: [4096], data: new Float32Array(4096) };
    mkdirSync(dir);
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(src, f), join(dir, f));
    const config = JSON.parse(readFileSync(join(src, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, architectures: ['MPNetForMaskedLM'] }));
    writeSafetensors(join(dir, 'model.safetensors'), tensors);

    const embedder = await Embedder.load(dir, { cacheDir, threads: 1 });
    expect(embedder.folder.isSentenceTransformers).toBe(false);
    expect(embedder.folder.pooling).toBe('mean');
    expect(embedder.folder.maxSeqLength).toBe(128); // min(130 - padding offset 2, tokenizer 128)
    const ref = reference('tiny-mpnet');
    const got = await embedder.embed(ref.sentences);
    got.forEach((v, i) => expect(maxAbsDiff(v, ref.embeddings[i])).toBeLessThan(1e-4));
    await embedder.release();
  });

  it('a CLS-pooling + Normalize folder gives the normalised [CLS] hidden state', async () => {
    const dir = join(tmp.path, 'bert-cls');
    renameSync(copyFixture('tiny-bert', tmp.path), dir);
    writeFileSync(
      join(dir, '1_Pooling', 'config.json'),
      JSON.stringify({ word_embedding_dimension: 64, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false, pooling_mode_max_tokens: false, pooling_mode_mean_sqrt_len_tokens: false }),
    );
    writeFileSync(
      join(dir, 'modules.json'),
      JSON.stringify([
        { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
        { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
        { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
      ]),
    );
    const embedder = await Embedder.load(dir, { cacheDir, threads: 1 });
    expect([embedder.folder.pooling, embedder.folder.normalize]).toEqual(['cls', true]);
    const ref = reference('tiny-bert');
    const { hidden, dims } = referenceHidden('tiny-bert');
    const got = await embedder.embed(ref.sentences);
    got.forEach((v, i) => {
      const cls = hidden.slice(i * dims[1] * dims[2], i * dims[1] * dims[2] + dims[2]);
      const norm = Math.hypot(...cls);
      expect(maxAbsDiff(v, cls.map((x) => x / norm))).toBeLessThan(1e-4);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    });
    await embedder.release();
  });
});
