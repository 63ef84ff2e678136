// Picks and builds a training engine: 'tfjs' (tfjs-engine.ts) or 'ort' (ort-engine.ts, onnxruntime
// on CPU / WebGPU / CUDA), 'auto' the default one. Also opens a model folder as what every engine
// is built from (EngineModel) plus the loop's tokenizer.
import { loadModelFolder, loadWeights } from '../models/folder.js';
import { TextTokenizer } from '../models/tokenizer.js';
import type { BackendName } from './backend.js';
import type { EngineModel, EngineOptions, EngineParamTensor, TrainingEngine } from './engine.js';
import { encoderConfigFromHf, ModelConfigError, parameterShapes } from './model.js';
import type { Tokenize } from './step.js';
import { OrtEngine } from './ort-engine.js';
import { TfjsEngine } from './tfjs-engine.js';
import { tokenizeBatch } from './trainable.js';

export type EngineChoice = 'auto' | 'ort' | 'tfjs';
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'ort', 'tfjs'];

export class EngineChoiceError extends Error {
  override name = 'EngineChoiceError';
}

/** What 'auto' means today. */
export const DEFAULT_ENGINE: Exclude<EngineChoice, 'auto'> = 'tfjs';

export interface OpenedTrainingModel {
  model: EngineModel;
  tokenize: Tokenize;
  /** The config's dropout (what training uses unless overridden). */
  defaultDropout: number;
}

/** A BERT/MPNet folder opened for training: config, weights (checked against the config's shapes), tokenizer. */
export function openTrainingModel(dir: string): OpenedTrainingModel {
  const folder = loadModelFolder(dir);
  const config = encoderConfigFromHf(folder.config, folder.architecture);
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
  const tokenizer = TextTokenizer.fromFolder(folder.transformerDir);
  return {
    model: { folder, config, weights },
    tokenize: (texts, maxLength) => tokenizeBatch({ folder, tokenizer }, texts, maxLength),
    defaultDropout: Math.max(config.hiddenDropout, config.attentionDropout),
  };
}

export interface CreateEngineOptions extends EngineOptions {
  /** tfjs only: the TensorFlow.js backend. */
  backend?: BackendName | 'auto';
}

/** Builds the chosen engine ('auto': DEFAULT_ENGINE). */
export async function createEngine(choice: EngineChoice, model: EngineModel, opts: CreateEngineOptions): Promise<TrainingEngine> {
  const engine = choice === 'auto' ? DEFAULT_ENGINE : choice;
  if (engine === 'tfjs') {
    if (opts.provider && opts.provider !== 'auto' && opts.provider !== 'cpu') {
      throw new EngineChoiceError(`the tfjs engine runs on the CPU (${opts.backend ?? 'auto'} backend); provider "${opts.provider}" needs --engine ort`);
    }
    return TfjsEngine.create(model, opts);
  }
  return OrtEngine.create(model, opts);
}
