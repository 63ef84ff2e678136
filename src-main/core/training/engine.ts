// The seam between the one training loop (trainer.ts + step.ts) and the engines that run the
// encoder: tfjs (tfjs-engine.ts, WebAssembly / tfjs-node) and onnxruntime (ort-engine.ts, CPU /
// WebGPU / CUDA, graphs from models/onnx/*). The loop owns batching, the loss (a pure function of
// embeddings, losses/*.ts), GradCache, the schedule, clipping decisions, divergence checks, evals
// and checkpoints; an engine owns parameters, gradients and optimizer state (on its device).
//
// One step, as step.ts drives it:
//   for each text column c (queries, passages, negatives…), for each mini-batch:
//     fwd = await engine.forward(tokens, { train: true, keep: true, dropout })   // embeddings to host
//   { loss, dEmb } = loss(embeddings of every column, labels)                  // host, small [B, H]
//   for each kept forward: await fwd.backward(dEmb slice)                       // grads accumulate in the engine
//   norm = await engine.gradNorm();  trainer checks loss/norm are finite
//   await engine.apply(lr, min(1, maxGradNorm / (norm + 1e-6)))                  // clip + AdamW, grads cleared
// GradCache (mini-batches) = forward({keep: false}) for every chunk, loss, then forward({keep: true})
// + backward per chunk with the same dropout pass: the same engine primitives, no second path.
// An engine may offer stepGraph(): the whole step without GradCache (every column's forward, the loss
// in its graph form, the backward) in one run, leaving the same gradients; step.ts then uses it.
import type { AdamWState } from './adamw.js';
import type { TrainingLoss } from './losses/loss.js';
import type { TokenBatch } from './encoder-config.js';

export type EngineName = 'ort' | 'tfjs';

/** What ran the step and why a preferred device was not used. */
export interface EngineDevice {
  engine: EngineName;
  /** 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml' for ort; 'wasm' | 'tensorflow' | 'cpu' for tfjs. */
  provider: string;
  /** One line per provider tried and skipped, with the reason (empty when the first choice worked). */
  fallbackReasons: string[];
  /** The device's memory size in bytes where the system reports it (nvidia-smi, models/device-memory.ts). */
  memoryBytes?: number;
  /** GPU memory as nvidia-smi reports it, or why it is not reported; absent for CPU providers. */
  memory?: import('../models/device-memory.js').DeviceMemoryReport;
  /** Bytes of the engine's own device-resident state: parameters, gradients, Adam m and v (float32). */
  stateBytes?: number;
}

export interface DropoutSpec {
  /** Probability (0 disables dropout for this pass). */
  p: number;
  /** Seed for this pass; masks are a pure function of (seed, site, element), so a recomputed pass reproduces them. */
  seed: number;
}

export interface ForwardOptions {
  /** Training-mode forward whose backward() will be called; false: eval mode, nothing kept. */
  keep: boolean;
  /** Dropout for this pass; null/undefined = no dropout. */
  dropout?: DropoutSpec | null;
}

export interface EngineForward {
  /** Sentence embeddings (after pooling and optional Normalize), [batch * hidden] row-major. */
  embeddings: Float32Array;
  batch: number;
  hidden: number;
  /** Adds this pass's parameter gradients for dEmb ([batch * hidden]) to the engine's accumulated gradients. Once only. */
  backward(dEmb: Float32Array): Promise<void>;
  /** Frees what the pass kept without a backward (aborted step). */
  release(): void;
}

/** Bytes copied between host and device, for the step just finished. */
export interface TransferStats {
  hostToDevice: number;
  deviceToHost: number;
}

export interface EngineParamTensor {
  shape: number[];
  data: Float32Array;
}

export interface TrainingEngine {
  readonly name: EngineName;
  readonly device: EngineDevice;
  /** Hidden size of the sentence embeddings. */
  readonly hidden: number;
  forward(tokens: TokenBatch, opts: ForwardOptions): Promise<EngineForward>;
  /**
   * Optional: one step without GradCache in one engine run: every column's training forward (column c
   * with dropout[c], masks as forward() draws them), the loss (loss.graph) and the backward. Leaves the
   * gradients accumulated as forward + backward of every column would from zero gradients (call it
   * once per step, after apply() or zeroGrad()); returns the loss.
   */
  stepGraph?(columns: TokenBatch[], dropout: (DropoutSpec | null)[], loss: TrainingLoss, labels?: Float32Array): Promise<{ loss: number }>;
  /** Global L2 norm of the accumulated gradients (before clipping). */
  gradNorm(): Promise<number>;
  /** Scales gradients by clipCoef, applies one AdamW step at lr (decoupled decay, bias correction), clears gradients. */
  apply(lr: number, clipCoef: number): Promise<void>;
  /** Drops accumulated gradients without updating (e.g. after a diverged step). */
  zeroGrad(): Promise<void>;
  /** Parameters with Hugging Face names and PyTorch layouts (what parameterShapes() lists). Reads back from the device. */
  exportParams(): Promise<Map<string, EngineParamTensor>>;
  exportOptimizer(): Promise<AdamWState>;
  /** Replaces parameters (and, when given, the optimizer state) — checkpoints and resume, across engines. */
  importState(params: Map<string, EngineParamTensor>, optimizer?: AdamWState): Promise<void>;
  /** Host↔device bytes of the last complete step (forward…apply). */
  transferStats(): TransferStats;
  dispose(): Promise<void>;
}

/** What an engine is built from: the model folder's encoder config, pooling and weights (HF names, PyTorch layout). */
export interface EngineModel {
  folder: import('../models/folder.js').ModelFolder;
  config: import('./encoder-config.js').EncoderConfig;
  weights: Map<string, EngineParamTensor>;
}

export interface EngineOptions {
  adamw: import('./adamw.js').AdamWOptions;
  /** ort only: execution provider ('auto' tries GPU providers, then CPU, and reports what it tried). */
  provider?: 'auto' | 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';
  /** ort only: intra-op threads. */
  threads?: number;
  /** ort only: false leaves out stepGraph() (every step takes the per-column path); default: on (benches compare both). */
  fusedStep?: boolean;
}
