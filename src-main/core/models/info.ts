// The facts about a model folder that `genq models info` prints and the Models page lists.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceReport, ModelInfo } from '../../../shared/services/models.js';
import { reportDeviceMemory } from './device-memory.js';
import { Embedder, type EmbedderOptions } from './embedder.js';
import { loadModelFolder, normaliseWeightName, type ModelFolder } from './folder.js';
import { readSafetensorsHeader } from './safetensors.js';
import { TextTokenizer } from './tokenizer.js';

/**
 * Inspects a folder. With `load`, the encoder is also loaded (its graph built or taken from the
 * cache) so that the execution provider that will run it can be reported.
 */
export async function modelInfo(dir: string, opts: EmbedderOptions & { load?: boolean } = {}): Promise<ModelInfo> {
  const folder = loadModelFolder(dir);
  const sequenceClassifier = ((folder.config.architectures ?? []) as string[]).some((a) => a.endsWith('ForSequenceClassification'));
  let provider: string | null = null;
  let device: DeviceReport | null = null;
  if (opts.load && folder.architecture !== 't5' && !sequenceClassifier) {
    const embedder = await Embedder.load(dir, opts);
    provider = embedder.provider;
    // GPU memory while the model is loaded, where nvidia-smi reports it.
    device = { ...embedder.device, memory: await reportDeviceMemory(embedder.provider) };
    await embedder.release();
  }
  const c = folder.config;
  return {
    dir: folder.dir,
    architecture: folder.architecture,
    parameters: countParameters(folder),
    hiddenSize: c.hidden_size ?? c.d_model,
    layers: c.num_hidden_layers ?? c.num_layers,
    heads: c.num_attention_heads ?? c.num_heads,
    vocabSize: c.vocab_size ?? TextTokenizer.fromFolder(folder.transformerDir).vocabSize,
    maxSeqLength: folder.maxSeqLength,
    pooling: folder.pooling,
    normalize: folder.normalize,
    doLowerCase: folder.doLowerCase,
    isSentenceTransformers: folder.isSentenceTransformers,
    sequenceClassifier,
    shippedOnnx: folder.shippedOnnx !== undefined,
    provider,
    device,
    sizeOnDisk: folderSize(folder.dir),
    prompts: folder.prompts,
    defaultPromptName: folder.defaultPromptName,
  };
}

/** Elements of every tensor the runtime uses, read from the safetensors headers only. */
export function countParameters(folder: ModelFolder): number {
  let total = 0;
  for (const file of folder.weightFiles) {
    for (const [name, t] of readSafetensorsHeader(file)) {
      if (normaliseWeightName(name, folder) !== undefined) total += t.shape.reduce((a, b) => a * b, 1);
    }
  }
  return total;
}

function folderSize(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, entry) => sum + folderSize(join(path, entry)), 0);
}
