// What every training engine is built from, without TensorFlow.js: the folder's weights checked
// against the config, and tokenized batches.
import { loadWeights, type ModelFolder } from '../models/folder.js';
import type { TextTokenizer } from '../models/tokenizer.js';
import type { EngineParamTensor } from './engine.js';
import { ModelConfigError, parameterShapes, type EncoderConfig, type TokenBatch } from './encoder-config.js';

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

/** Tokenizes texts as sentence-transformers does for training: truncated to maxLength, right-padded to the longest. */
export function tokenizeBatch(model: { tokenizer: TextTokenizer; folder: ModelFolder }, texts: string[], maxLength: number): TokenBatch {
  const prepared = model.folder.doLowerCase ? texts.map((t) => t.toLowerCase()) : texts;
  const enc = model.tokenizer.encodeBatch(prepared, { maxLength });
  return { ids: Int32Array.from(enc.inputIds.flat()), mask: Int32Array.from(enc.attentionMask.flat()), batch: texts.length, seq: enc.length };
}
