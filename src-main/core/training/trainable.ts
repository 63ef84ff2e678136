// A model folder opened for training: its encoder config, tokenizer, pooling pipeline and the
// parameters as tf tensors (PyTorch layout, Hugging Face names without the task prefix).
import * as tf from '@tensorflow/tfjs-core';
import { loadModelFolder, loadWeights, type ModelFolder } from '../models/folder.js';
import { TextTokenizer } from '../models/tokenizer.js';
import type { EngineParamTensor } from './engine.js';
import type { Params } from './layers.js';
import { encoderConfigFromHf, encoderForward, ModelConfigError, parameterShapes, type EncoderConfig, type ForwardOptions, type TokenBatch } from './model.js';
import { pool, type PoolResult } from './pooling.js';

export interface TrainableModel {
  folder: ModelFolder;
  config: EncoderConfig;
  tokenizer: TextTokenizer;
  params: Params;
}

/** The folder's weight for every parameter `config` implies (parameterShapes order), each checked against its shape. */
export function checkedParameterWeights(folder: ModelFolder, config: EncoderConfig): Map<string, EngineParamTensor> {
  const all = loadWeights(folder);
  const weights = new Map<string, EngineParamTensor>();
  for (const [name, shape] of parameterShapes(config)) {
    const w = all.get(name);
    if (!w) throw new ModelConfigError(`${folder.weightFiles.join(', ')}: weight "${name}" is missing`);
    if (w.shape.join(',') !== shape.join(',')) {
      throw new ModelConfigError(`${folder.weightFiles.join(', ')}: weight "${name}" has shape [${w.shape}] but config.json implies [${shape}]`);
    }
    weights.set(name, { shape, data: w.data });
  }
  return weights;
}

export function openTrainableModel(dir: string): TrainableModel {
  const folder = loadModelFolder(dir);
  const config = encoderConfigFromHf(folder.config, folder.architecture);
  const params: Params = new Map();
  for (const [name, w] of checkedParameterWeights(folder, config)) params.set(name, tf.tensor(w.data, w.shape, 'float32'));
  return { folder, config, tokenizer: TextTokenizer.fromFolder(folder.transformerDir), params };
}

/** Tokenizes texts as sentence-transformers does for training: truncated to maxLength, right-padded to the longest. */
export function tokenizeBatch(model: Pick<TrainableModel, 'tokenizer' | 'folder'>, texts: string[], maxLength: number): TokenBatch {
  const prepared = model.folder.doLowerCase ? texts.map((t) => t.toLowerCase()) : texts;
  const enc = model.tokenizer.encodeBatch(prepared, { maxLength });
  return { ids: Int32Array.from(enc.inputIds.flat()), mask: Int32Array.from(enc.attentionMask.flat()), batch: texts.length, seq: enc.length };
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
