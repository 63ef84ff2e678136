// Picks and builds a training engine: 'tfjs' (tfjs-engine.ts) or 'ort' (ort-engine.ts, onnxruntime
// on CPU / WebGPU / CUDA), 'auto' the default one. Also opens a model folder as what every engine
// is built from (EngineModel) plus the loop's tokenizer.
import { planningDeviceMemoryBytes } from '../models/device-memory.js';
import { loadModelFolder } from '../models/folder.js';
import { TextTokenizer } from '../models/tokenizer.js';
import type { BackendName } from './backend.js';
import type { EngineModel, EngineOptions, TrainingEngine } from './engine.js';
import { planMemory, type MemoryPlan } from './memory-plan.js';
import { encoderConfigFromHf } from './encoder-config.js';
import type { Tokenize } from './step.js';
import { OrtEngine } from './ort-engine.js';
import { checkedParameterWeights, tokenizeBatch } from './training-inputs.js';

export type EngineChoice = 'auto' | 'ort' | 'tfjs';
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'ort', 'tfjs'];

export class EngineChoiceError extends Error {
  override name = 'EngineChoiceError';
}

/** What 'auto' means: onnxruntime since its trajectories match PyTorch (ort-trajectory.test.ts); tfjs stays selectable. */
export const DEFAULT_ENGINE: Exclude<EngineChoice, 'auto'> = 'ort';

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
  const weights = checkedParameterWeights(folder, config);
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
  const engine = resolveEngine(choice);
  if (engine === 'tfjs') {
    if (opts.provider && opts.provider !== 'auto' && opts.provider !== 'cpu') {
      throw new EngineChoiceError(`the tfjs engine runs on the CPU (${opts.backend ?? 'auto'} backend); provider "${opts.provider}" needs --engine ort`);
    }
    // Loaded on demand: tfjs-core is a large module most processes never need.
    const { TfjsEngine } = await import('./tfjs-engine.js');
    return TfjsEngine.create(model, opts);
  }
  return OrtEngine.create(model, opts);
}

/** The engine a choice runs on. */
export function resolveEngine(choice: EngineChoice): Exclude<EngineChoice, 'auto'> {
  return choice === 'auto' ? DEFAULT_ENGINE : choice;
}

export interface RunPlanInput {
  /** The model folder (only config.json is read). */
  modelDir: string;
  engine: EngineChoice;
  backend?: BackendName | 'auto';
  provider?: EngineOptions['provider'];
  batchSize: number;
  columns: number;
  /** Undefined: the model's max_seq_length. */
  maxSeqLength?: number;
  dropout?: number;
  miniBatchSize?: number;
  deviceMemoryBytes?: number;
}

/** planRun is synchronous (the Train page's estimate, before a job): a hung nvidia-smi may hold it this long, twice. */
const PLAN_QUERY_TIMEOUT_MS = 1500;

/**
 * The memory plan of a run, before any weights load: the engine's device as it will most likely be
 * (tfjs 'auto' is wasm unless tfjs-node is installed; ort on an explicit GPU provider plans for the
 * GPU's size where nvidia-smi reports it, otherwise for host RAM).
 */
export function planRun(input: RunPlanInput): MemoryPlan {
  const folder = loadModelFolder(input.modelDir);
  const config = encoderConfigFromHf(folder.config, folder.architecture);
  const engine = resolveEngine(input.engine);
  const provider = engine === 'tfjs' ? (input.backend && input.backend !== 'auto' ? input.backend : 'wasm') : (input.provider ?? 'auto');
  return planMemory({
    config, engine, provider, batchSize: input.batchSize, columns: input.columns,
    maxSeqLength: Math.min(input.maxSeqLength ?? folder.maxSeqLength, folder.maxSeqLength),
    dropout: input.dropout ?? Math.max(config.hiddenDropout, config.attentionDropout), miniBatchSize: input.miniBatchSize,
    // An explicit GPU provider budgets against the GPU's size where nvidia-smi reports it ('auto' may end on CPU: host RAM).
    deviceMemoryBytes: input.deviceMemoryBytes ?? (engine === 'ort' ? planningDeviceMemoryBytes(provider, { timeoutMs: PLAN_QUERY_TIMEOUT_MS }) : undefined),
  });
}
