// Memory planning before the first step: an estimate of the peak a training step needs (parameters,
// gradients, Adam moments, the activations a backward pass keeps per sample, the backward's
// workspace, the runtime's own footprint) for the engine, model, batch and sequence length, against
// what the device has (host RAM, the 4 GiB WebAssembly heap of tfjs-wasm, GPU memory where the
// provider reports it). When the batch does not fit, the largest GradCache mini-batch that does is
// picked (same gradients); when not even one text fits, training is refused with the numbers.
//
// Activations per text and layer, for sequence length S, hidden H, FFN I, heads h (floats):
//   kept:      S·(ACT_H·H + ACT_I·I) + ACT_S·h·S²   (q/k/v and their head layouts, scores and
//              probabilities, context, the LayerNorm inputs, the FFN output and GELU's derivative)
//   dropout adds its masks: DROP_H·S·H + h·S².
// The constants were fitted to peak RSS measured by bench/train-memory.ts (tfjs wasm, random
// weights); onnxruntime keeps about the same activations but no wasm heap limit applies.
import { freemem, totalmem } from 'node:os';
import type { TrainingMemoryPlan } from '../../../shared/services/training.js';
import type { EngineName } from './engine.js';
import { parameterShapes, type EncoderConfig } from './encoder-config.js';

const GIB = 1024 ** 3;
/** tfjs-backend-wasm grows its heap up to 4 GiB (wasm32); allocation fails beyond, with Aborted(). */
export const WASM_HEAP_BYTES = 4 * GIB;
const ACT_H = 10;
const ACT_I = 2;
const ACT_S = 2;
const DROP_H = 4;
/** The backward's transient tensors, as a share of the activations in flight. */
const WORKSPACE = 0.35;
/** AdamW's update of one tensor holds ~6 temporaries of it (decay, m, v, √v, the step): of the largest. */
const APPLY_COPIES = 6;
/**
 * Beyond the live tensors, in units of the parameters' float32 size: the allocator's fragmentation
 * (tensors of many sizes come and go every step) and gradient accumulation's transient sums. Fitted:
 * BERT-base at 128 tokens measured ~1.3 GB above the live tensors.
 */
const OVERHEAD_PARAM_COPIES = 3;
const ORT_PARAM_COPIES = 6;
const ORT_ACT_SCALE = 1.75;
/** Node, tfjs/onnxruntime code and buffers, the tokenizer: resident before the model loads. */
const RUNTIME_BYTES = 350 * 1024 ** 2;
/** Share of a budget a plan may use (the estimate's error; the wasm heap estimate already counts fragmentation). */
const HEADROOM = 0.85;
const WASM_HEADROOM = 0.95;

export interface MemoryPlanInput {
  config: EncoderConfig;
  engine: EngineName;
  /** 'wasm' | 'tensorflow' | 'cpu' for tfjs; the ort provider otherwise. */
  provider: string;
  batchSize: number;
  /** Texts per example (MNR pairs 2, MarginMSE triplets 3). */
  columns: number;
  maxSeqLength: number;
  dropout: number;
  /** Asked-for GradCache mini-batch (undefined: pick one only if the batch does not fit). */
  miniBatchSize?: number;
  /** Device memory the provider reports (GPU), bytes. */
  deviceMemoryBytes?: number;
  /** For tests: host memory instead of os.totalmem/freemem. */
  hostMemoryBytes?: number;
}

export interface MemoryPlan extends TrainingMemoryPlan {
  parameters: number;
}

export class TrainingMemoryError extends Error {
  override name = 'TrainingMemoryError';
}

export const formatBytes = (b: number): string => (b >= 1e9 ? `${(b / 1e9).toFixed(1)} GB` : `${Math.round(b / 1e6)} MB`);

export function parameterCount(c: EncoderConfig): number {
  return parameterShapes(c).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
}

/** Floats one text keeps for its backward pass at sequence length S. */
export function activationFloatsPerText(c: EncoderConfig, S: number, dropout: number): number {
  const H = c.hiddenSize;
  const perLayer = S * (ACT_H * H + ACT_I * c.intermediateSize) + ACT_S * c.numHeads * S * S + (dropout > 0 ? DROP_H * S * H + c.numHeads * S * S : 0);
  return c.numLayers * perLayer + 6 * S * H; // + embeddings, their LayerNorm and the pooling
}

/**
 * Per engine: float32 copies of the parameters alive at the peak (weights, gradients, Adam m and v,
 * plus what the engine adds), and how many times the tfjs-derived activation count it keeps.
 * onnxruntime runs a step without GradCache as one fused graph (every column's forward, the loss,
 * the backward: all columns' activations alive at once, no arena) and feeds the AdamW graph's outputs
 * as new buffers. Fitted to bench/train-memory on ORT CPU (peak RSS, estimate in parentheses), fused
 * step: MiniLM-L6 at 128 tokens, 16 texts 2.06 GB (2.47), 64 texts 6.86 GB (7.15); BERT-base at 128,
 * 8 texts 5.17 GB (5.52), 32 texts 12.46 GB (13.15); at 192, 8 texts 6.16 GB (7.19), 32 texts 16.11 GB
 * (19.84); GradCache mini-batch 8, BERT-base at 128 4.81 GB (5.52), at 192 5.85 GB (7.19). Never
 * under; at most 23% over (192 tokens: the S² terms of activationFloatsPerText count high).
 */
const ENGINE_COSTS: Record<EngineName, { paramCopies: number; actScale: number; applyCopies: number }> = {
  tfjs: { paramCopies: 4 + OVERHEAD_PARAM_COPIES, actScale: 1, applyCopies: APPLY_COPIES },
  ort: { paramCopies: ORT_PARAM_COPIES, actScale: ORT_ACT_SCALE, applyCopies: 0 },
};

/** Peak bytes of one step with `inFlight` texts' activations alive at once (tensor memory, without the runtime). */
function tensorPeak(engine: EngineName, c: EncoderConfig, params: number, S: number, dropout: number, inFlight: number): number {
  const k = ENGINE_COSTS[engine];
  const largest = Math.max(...parameterShapes(c).map(([, shape]) => shape.reduce((a, b) => a * b, 1)));
  const acts = 4 * inFlight * activationFloatsPerText(c, S, dropout) * k.actScale;
  return k.paramCopies * 4 * params + k.applyCopies * 4 * largest + acts * (1 + WORKSPACE);
}

/** Process peak (what RSS shows): tensors plus the runtime. */
function peakFor(engine: EngineName, c: EncoderConfig, params: number, S: number, dropout: number, inFlight: number): number {
  return RUNTIME_BYTES + tensorPeak(engine, c, params, S, dropout, inFlight);
}

function budgetOf(input: MemoryPlanInput): { bytes: number; source: string } {
  // Memory available now (other programs keep theirs), never more than 90% of the machine.
  const host = input.hostMemoryBytes ?? Math.min(totalmem() * 0.9, freemem());
  if (input.engine === 'tfjs' && input.provider === 'wasm') {
    return host < WASM_HEAP_BYTES ? { bytes: host, source: `host RAM (${formatBytes(host)})` } : { bytes: WASM_HEAP_BYTES, source: 'the 4 GiB WebAssembly heap of the tfjs wasm engine' };
  }
  if (input.deviceMemoryBytes) return { bytes: input.deviceMemoryBytes, source: `${input.provider} device memory (${formatBytes(input.deviceMemoryBytes)})` };
  return { bytes: host, source: `host RAM (${formatBytes(host)})` };
}

/**
 * The plan for a run. Without mini-batches every column's activations of the whole batch are alive
 * at once (B·columns texts); with GradCache one mini-batch of one column at a time.
 */
export function planMemory(input: MemoryPlanInput): MemoryPlan {
  const { config: c, batchSize: B, columns, maxSeqLength: S, dropout } = input;
  const params = parameterCount(c);
  const budget = budgetOf(input);
  // The wasm heap holds the tensors only; elsewhere the whole process counts against the budget.
  const wasm = input.engine === 'tfjs' && input.provider === 'wasm' && budget.bytes === WASM_HEAP_BYTES;
  const usable = budget.bytes * (wasm ? WASM_HEADROOM : HEADROOM);
  const need = (m: number) => (wasm ? tensorPeak : peakFor)(input.engine, c, params, S, dropout, m);
  const full = peakFor(input.engine, c, params, S, dropout, B * columns);
  const at = (m: number) => peakFor(input.engine, c, params, S, dropout, m);
  const where = `${input.engine} ${input.provider}`;
  const base = { fullBatchBytes: full, budgetBytes: budget.bytes, budgetSource: budget.source, parameters: params };
  if (input.miniBatchSize !== undefined && input.miniBatchSize < B) {
    const peak = at(input.miniBatchSize);
    const n = Math.ceil(B / input.miniBatchSize);
    return {
      ...base, peakBytes: peak, miniBatchSize: input.miniBatchSize, fits: need(input.miniBatchSize) <= usable,
      message: `batch ${B} as ${n} mini-batches of ${input.miniBatchSize} (asked for): estimated ${formatBytes(peak)} peak of ${formatBytes(budget.bytes)} (${budget.source}) on ${where}`,
    };
  }
  if (need(B * columns) <= usable) {
    return { ...base, peakBytes: full, fits: true, message: `batch ${B} in one pass: estimated ${formatBytes(full)} peak of ${formatBytes(budget.bytes)} (${budget.source}) on ${where}` };
  }
  let m = B - 1;
  while (m >= 1 && need(m) > usable) m--;
  if (m < 1) {
    const one = need(1);
    return {
      ...base, peakBytes: at(1), fits: false,
      message: `does not fit: even one text at a time needs an estimated ${formatBytes(one)} (parameters, gradients and Adam moments alone ${formatBytes(16 * params)}) but ${budget.source} allows ${formatBytes(usable)}; lower --max-seq-length (now ${S}), pick a smaller model${input.engine === 'tfjs' ? ', or train with --engine ort (no 4 GiB heap)' : ''}`,
    };
  }
  // Even chunks: the smallest count of mini-batches, each as large as that count allows.
  const n = Math.ceil(B / m);
  const even = Math.ceil(B / n);
  const peak = at(even);
  return {
    ...base, peakBytes: peak, miniBatchSize: even, fits: true,
    message: `batch ${B} as ${n} mini-batches of ${even}: estimated ${formatBytes(peak)} peak (the full batch would need ${formatBytes(full)}; ${budget.source} allows ${formatBytes(budget.bytes)}) on ${where}`,
  };
}

/** An out-of-memory failure of any engine, recognised from its message. */
export function isOutOfMemory(err: unknown): boolean {
  const m = err instanceof Error ? `${err.name} ${err.message}` : String(err);
  return /Aborted\(|out of memory|\bOOM\b|bad_alloc|Failed to allocate|allocation fail|Cannot enlarge memory|RangeError: (Array buffer allocation|WebAssembly\.Memory)|std::bad_alloc|CUDA error: out of memory|GPUOutOfMemory/i.test(m);
}

/** The error a user sees instead of an abort. */
export function memoryError(err: unknown, plan: MemoryPlan | null, where: string): TrainingMemoryError {
  const cause = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const est = plan ? ` (estimated peak ${formatBytes(plan.peakBytes)} of ${formatBytes(plan.budgetBytes)}, ${plan.budgetSource})` : '';
  return new TrainingMemoryError(
    `${where} ran out of memory${est}: ${cause}. Lower the mini-batch size (--mini-batch-size / "Mini-batch"), the batch size or --max-seq-length; the run can resume from its last checkpoint`,
  );
}
