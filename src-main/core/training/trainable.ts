// A model folder opened for training: its encoder config, tokenizer, pooling pipeline and the
// parameters as tf tensors (PyTorch layout, Hugging Face names without the task prefix).
import * as tf from '@tensorflow/tfjs-core';
import { loadModelFolder, type ModelFolder } from '../models/folder.js';
import { TextTokenizer } from '../models/tokenizer.js';
import type { EngineParamTensor } from './engine.js';
import type { Params } from './layers.js';
import { encoderConfigFromHf, encoderForward, type EncoderConfig, type ForwardOptions, type TokenBatch } from './model.js';
import { checkedParameterWeights } from './training-inputs.js';

export { checkedParameterWeights, tokenizeBatch } from './training-inputs.js';
import { pool, type PoolResult } from './pooling.js';

export interface TrainableModel {
  folder: ModelFolder;
  config: EncoderConfig;
  tokenizer: TextTokenizer;
  params: Params;
}

export function openTrainableModel(dir: string): TrainableModel {
  const folder = loadModelFolder(dir);
  const config = encoderConfigFromHf(folder.config, folder.architecture);
  const params: Params = new Map();
  for (const [name, w] of checkedParameterWeights(folder, config)) params.set(name, tf.tensor(w.data, w.shape, 'float32'));
  return { folder, config, tokenizer: TextTokenizer.fromFolder(folder.transformerDir), params };
}

/** Transformer → Pooling → optional Normalize. Returns sentence embeddings [B, H] and the backward pass to the weights. */
export function embedBatch(model: TrainableModel, batch: TokenBatch, opts: ForwardOptions): { embeddings: tf.Tensor2D; backward: (dEmb: tf.Tensor2D) => void } {
  const fwd = encoderForward(model.config, model.params, batch, opts);
  const pooled: PoolResult = pool(fwd.hidden, batch.mask, batch.batch, batch.seq, model.folder.pooling, model.folder.normalize);
  return { embeddings: pooled.embeddings, backward: (dEmb) => fwd.backward(pooled.backward(dEmb)) };
}

export function disposeParams(params: Params): void {
  for (const t of params.values()) t.dispose();
  params.clear();
}
