// The onnxruntime training engine on synthetic models for bench/train.ts: random weights of a
// given encoder size, random token batches, and timed steps as `genq train` runs them (step.ts's
// stepGradients: the fused step graph on the ort engine unless GENQ_TRAIN_FUSED=0, forward/loss/backward
// per column on tfjs; then gradient norm and AdamW) with bytes moved host↔device per step.
import type { ModelFolder } from '../src-main/core/models/folder.js';
import type { ProviderChoice } from '../src-main/core/models/session.js';
import type { EngineParamTensor, TrainingEngine } from '../src-main/core/training/engine.js';
import { mnrLoss } from '../src-main/core/training/losses/mnr.js';
import { parameterShapes, type EncoderConfig, type TokenBatch } from '../src-main/core/training/model.js';
import { OrtEngine } from '../src-main/core/training/ort-engine.js';
import { reportDeviceMemory } from '../src-main/core/models/device-memory.js';
import { isGpuProvider } from '../shared/device-memory.js';
import { mulberry32 } from '../src-main/core/training/rng.js';
import { stepGradients, type Tokenize } from '../src-main/core/training/step.js';

const DROP = Number(process.env.GENQ_BENCH_DROPOUT ?? 0.1);
export interface Workload {
  batch: number;
  qLen: number;
  pLen: number;
  steps: number;
}

/** The config.json fields the graph builders read. */
function hfConfig(c: EncoderConfig): Record<string, any> {
  return {
    hidden_size: c.hiddenSize, num_attention_heads: c.numHeads, num_hidden_layers: c.numLayers, intermediate_size: c.intermediateSize,
    layer_norm_eps: c.layerNormEps, hidden_act: 'gelu', max_position_embeddings: c.maxPositions, vocab_size: c.vocabSize,
    type_vocab_size: c.typeVocabSize, pad_token_id: c.padId, relative_attention_num_buckets: c.relativeBuckets,
  };
}

export function randomWeights(c: EncoderConfig, seed: number): Map<string, EngineParamTensor> {
  const rand = mulberry32(seed);
  const out = new Map<string, EngineParamTensor>();
  for (const [name, shape] of parameterShapes(c)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (name.includes('LayerNorm.weight')) data.fill(1);
    else if (!name.endsWith('.bias')) for (let i = 0; i < n; i++) data[i] = (rand() * 2 - 1) * 0.035; // ≈ N(0, 0.02) scale
    out.set(name, { shape, data });
  }
  return out;
}

export function randomBatch(batch: number, seq: number, rand: () => number): TokenBatch {
  const ids = new Int32Array(batch * seq);
  for (let i = 0; i < ids.length; i++) ids[i] = 1000 + Math.floor(rand() * 29000);
  return { ids, mask: new Int32Array(batch * seq).fill(1), batch, seq };
}

/** The model-folder fields the engines read (config, architecture, mean pooling, no normalisation). */
export function syntheticFolder(c: EncoderConfig): ModelFolder {
  return { config: hfConfig(c), architecture: c.architecture, pooling: 'mean', normalize: false } as unknown as ModelFolder;
}

export const BENCH_ADAMW = { beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01 };

export async function ortEngineFor(c: EncoderConfig, provider: ProviderChoice, threads?: number): Promise<OrtEngine> {
  // GENQ_TRAIN_FUSED=0: the per-column path (forward, host loss, backward per column) instead of the fused step graph, for A/B runs.
  return OrtEngine.create({ folder: syntheticFolder(c), config: c, weights: randomWeights(c, 1) }, { adamw: BENCH_ADAMW, provider, threads, fusedStep: process.env.GENQ_TRAIN_FUSED !== '0' });
}

export interface OrtTiming {
  msPerStep: number;
  bytesPerStep: number;
  /** The mean is of the first step alone (it includes warm-up): w.steps was 0. */
  firstStepOnly: boolean;
}

/** Mean wall time of `w.steps` steps after one warm-up step on either engine; dropout 0.1 as in training. */
export async function timeOrtSteps(engine: TrainingEngine, w: Workload, log: (s: string) => void): Promise<OrtTiming> {
  const rand = mulberry32(2);
  const times: number[] = [];
  let first = 0;
  const loss = mnrLoss({ scale: 20 });
  // The step's "texts" name rows of pre-drawn random token batches (no tokenizer in the timing).
  const rows = new Map<string, Int32Array>();
  const tokenize: Tokenize = (texts) => {
    const seq = rows.get(texts[0])!.length;
    const ids = new Int32Array(texts.length * seq);
    texts.forEach((t, i) => ids.set(rows.get(t)!, i * seq));
    return { ids, mask: new Int32Array(ids.length).fill(1), batch: texts.length, seq };
  };
  for (let step = 0; step <= w.steps; step++) {
    rows.clear();
    const columns = [w.qLen, w.pLen].map((seq, c) => {
      const b = randomBatch(w.batch, seq, rand);
      return Array.from({ length: w.batch }, (_, i) => {
        rows.set(`${c}:${i}`, b.ids.subarray(i * seq, (i + 1) * seq));
        return `${c}:${i}`;
      });
    });
    const t0 = performance.now();
    await stepGradients(engine, tokenize, loss, columns, undefined, { maxSeqLength: Math.max(w.qLen, w.pLen), dropout: DROP, seed: 1, step });
    const norm = await engine.gradNorm();
    await engine.apply(2e-5, Math.min(1, 1 / (norm + 1e-6)));
    const ms = performance.now() - t0;
    if (step > 0) times.push(ms);
    else first = ms;
    log(`  ${engine.name} ${engine.device.provider} step ${step}${step === 0 ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms`);
  }
  const moved = engine.transferStats();
  const measured = times.length ? times : [first];
  return { msPerStep: measured.reduce((a, b) => a + b, 0) / measured.length, bytesPerStep: moved.hostToDevice + moved.deviceToHost, firstStepOnly: times.length === 0 };
}

/**
 * Child mode (bench/train.ts runs the base-size model in its own process, so its peak RSS is its
 * own): node --import tsx bench/train-ort.ts --child <provider> <config JSON> <workload JSON>
 * prints {"msPerStep", "bytesPerStep", "firstStepOnly", "peakRssBytes", "provider", "gpuMemory"}; gpuMemory is
 * nvidia-smi's report taken after the timed steps, before the engine is freed (null on CPU or where not reported).
 */
if (process.argv[2] === '--child') {
  const [provider, config, workload] = [process.argv[3] as ProviderChoice, JSON.parse(process.argv[4]) as EncoderConfig, JSON.parse(process.argv[5]) as Workload];
  const engine = await ortEngineFor(config, provider);
  const timing = await timeOrtSteps(engine, workload, (s) => console.error(s));
  const device = engine.device.provider;
  const report = isGpuProvider(device) ? await reportDeviceMemory(device, { cacheMs: 0 }) : null;
  await engine.dispose();
  const gpuMemory = report?.reported ? { usedBytes: report.usedBytes, totalBytes: report.totalBytes, processBytes: report.processBytes, gpuName: report.gpuName } : null;
  if (report && !report.reported) console.error(`GPU memory: ${report.reason}`);
  console.log(JSON.stringify({ ...timing, peakRssBytes: process.resourceUsage().maxRSS * 1024, provider: device, gpuMemory }));
}
