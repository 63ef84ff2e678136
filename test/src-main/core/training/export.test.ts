// Export round trip: train a few steps, write the sentence-transformers folder, reload it with the
// model runtime (loadModelFolder/loadWeights and the onnxruntime Embedder) and get the same
// weights and embeddings.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Embedder } from '../../../../src-main/core/models/embedder.js';
import { loadModelFolder, loadWeights } from '../../../../src-main/core/models/folder.js';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { useBackend } from '../../../../src-main/core/training/backend.js';
import { exportSentenceTransformer } from '../../../../src-main/core/training/export.js';
import { embedTexts } from '../../../../src-main/core/training/step.js';
import { TfjsEngine } from '../../../../src-main/core/training/tfjs-engine.js';
import { disposeParams, openTrainableModel, tokenizeBatch, type TrainableModel } from '../../../../src-main/core/training/trainable.js';
import { DEFAULT_SETTINGS, train } from '../../../../src-main/core/training/trainer.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures');
const tempDir = useTempDirs('genq-export-');
const ADAMW = { beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0 };
const embedWith = (m: TrainableModel, texts: string[]) => embedTexts(TfjsEngine.forModel(m, { adamw: ADAMW }), (t, max) => tokenizeBatch(m, t, max), texts, 128);

describe('exportSentenceTransformer', () => {
  for (const name of ['tiny-bert', 'tiny-mpnet']) {
    it(`${name}: exported folder reloads with the trained weights and the same embeddings`, async () => {
      await useBackend('wasm');
      const dir = join(FIXTURES, name);
      const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
      const pairs = (ref.training.pairs as [string, string][]).slice(0, 24).map(([query, passage]) => ({ query, passage }));
      const model = openTrainableModel(dir);
      await train(model, pairs, { ...DEFAULT_SETTINGS, batchSize: 8, epochs: 1, lr: 1e-3, maxSeqLength: 128, dropout: 0 });
      const out = tempDir();
      exportSentenceTransformer(model.folder, model.params, out, { maxSeqLength: 128 });
      for (const f of ['model.safetensors', 'config.json', 'tokenizer.json', 'tokenizer_config.json', 'modules.json', '1_Pooling/config.json', 'sentence_bert_config.json', 'config_sentence_transformers.json']) {
        expect(existsSync(join(out, f)), f).toBe(true);
      }
      // Same tensor names as the source checkpoint.
      expect([...readSafetensors(join(out, 'model.safetensors')).tensors.keys()].sort()).toEqual([...readSafetensors(join(dir, 'model.safetensors')).tensors.keys()].sort());
      const folder = loadModelFolder(out);
      expect(folder.pooling).toBe('mean');
      expect(folder.maxSeqLength).toBe(128);
      const weights = loadWeights(folder);
      for (const [pname, t] of model.params) expect(Array.from(weights.get(pname)!.data)).toEqual(Array.from(t.dataSync()));
      // The trained weights differ from the base model's.
      expect(Array.from(weights.get('encoder.layer.0.output.dense.weight')!.data)).not.toEqual(Array.from(loadWeights(loadModelFolder(dir)).get('encoder.layer.0.output.dense.weight')!.data));

      const texts = ref.sentences as string[];
      const ours = await embedWith(model, texts);
      const reloaded = openTrainableModel(out);
      const again = await embedWith(reloaded, texts);
      const embedder = await Embedder.load(out, { cacheDir: tempDir() });
      const onnx = await embedder.embed(texts);
      for (let i = 0; i < texts.length; i++) {
        for (let k = 0; k < ours[i].length; k++) {
          expect(Math.abs(again[i][k] - ours[i][k])).toBe(0);
          expect(Math.abs(onnx[i][k] - ours[i][k])).toBeLessThan(1e-4);
        }
      }
      disposeParams(model.params);
      disposeParams(reloaded.params);
    });
  }
});
