// npm run bench -- train [--provider cpu|webgpu|cuda]
// One MNR training step (forward, backward, clip, AdamW) of a MiniLM-L6-sized BERT (hidden 384,
// 6 layers, 12 heads, FFN 1536, vocab 30522, random weights made here): batch 32, queries 16
// tokens, passages 128 tokens, dropout 0.1, in ONE run on
//   - the onnxruntime engine (ort-engine.ts) on the chosen provider (default cpu), and
//   - the tfjs engine on WebAssembly (the ratio peer; CPU runs only),
// with the step's model GFLOP/s against a plain onnxruntime MatMul of the step's own shapes measured
// in the same run, and host↔device bytes per step. Then an mpnet-base-sized model (hidden 768, 12
// layers, FFN 3072) at batch 24, q16/p192 on the onnxruntime engine: pairs/s and peak RSS (in a
// child process, so the peak is that model's; GENQ_BENCH_BASE_STEPS=0 times only its first step). PyTorch figures are printed as
// references (ratio null): they come from other machines, not from this run.
// Timings on a shared machine swing ±30–50%; compare only within one run.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { OnnxGraph } from '../src-main/core/models/onnx/graph.js';
import { hostTensor, OnnxSession, type DeviceTensor, type ProviderChoice } from '../src-main/core/models/session.js';
import { useBackend } from '../src-main/core/training/backend.js';
import type { Params } from '../src-main/core/training/layers.js';
import { parameterShapes, type EncoderConfig } from '../src-main/core/training/model.js';
import { TfjsEngine } from '../src-main/core/training/tfjs-engine.js';
import { BENCH_ADAMW, ortEngineFor, randomWeights, syntheticFolder, timeOrtSteps, type OrtTiming, type Workload } from './train-ort.js';

export const CONFIG: EncoderConfig = {
  architecture: 'bert', vocabSize: 30522, hiddenSize: 384, numLayers: 6, numHeads: 12, intermediateSize: 1536, maxPositions: 512,
  typeVocabSize: 2, layerNormEps: 1e-12, hiddenDropout: 0.1, attentionDropout: 0.1, padId: 0, relativeBuckets: 32,
};

/** Matmul FLOPs of forward + backward (backward = 2 × forward): linears and attention; embeddings, norms, softmax excluded. */
export function stepFlops(c: EncoderConfig, w: Workload): number {
  const H = c.hiddenSize;
  const perToken = (seq: number) => c.numLayers * (2 * 4 * H * H + 2 * 2 * H * c.intermediateSize + 2 * 2 * seq * H);
  return 3 * w.batch * (w.qLen * perToken(w.qLen) + w.pLen * perToken(w.pLen));
}

interface Timing {
  wallMs: number;
}

/** The tfjs engine (the peer) on the same random weights and the same step loop as the ort engine. */
async function timeTfjsSteps(w: Workload, log: (s: string) => void): Promise<Timing> {
  const params: Params = new Map();
  for (const [name, t] of randomWeights(CONFIG, 1)) params.set(name, tf.tensor(t.data, t.shape, 'float32'));
  const model = { folder: syntheticFolder(CONFIG), config: CONFIG, tokenizer: undefined as never, params };
  const engine = TfjsEngine.forModel(model, { adamw: BENCH_ADAMW });
  const timing = await timeOrtSteps(engine, w, log);
  await engine.dispose();
  for (const t of params.values()) t.dispose();
  return { wallMs: timing.msPerStep };
}

const MPNET_BASE: EncoderConfig = {
  architecture: 'mpnet', vocabSize: 30527, hiddenSize: 768, numLayers: 12, numHeads: 12, intermediateSize: 3072, maxPositions: 514,
  typeVocabSize: 0, layerNormEps: 1e-5, hiddenDropout: 0.1, attentionDropout: 0.1, padId: 1, relativeBuckets: 32,
};

/**
 * GFLOP/s of plain onnxruntime MatMuls with the step's own shapes (one layer's linears and
 * attention products for the query and passage batches), on the same provider and threads.
 */
async function ortStepShapesGflops(c: EncoderConfig, w: Workload, provider: ProviderChoice, reps: number): Promise<number> {
  const H = c.hiddenSize;
  const I = c.intermediateSize;
  const nh = c.numHeads;
  const g = new OnnxGraph('step-matmuls');
  const feeds: Record<string, DeviceTensor> = {};
  const input = (name: string, dims: number[]) => {
    g.input(name, 'float32', dims);
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[name] = hostTensor({ type: 'float32', data: Float32Array.from({ length: n }, (_, i) => ((i % 13) - 6) / 13), dims });
    return name;
  };
  const wQkv = input('w_qkv', [H, 3 * H]);
  const wO = input('w_o', [H, H]);
  const w1 = input('w_1', [H, I]);
  const w2 = input('w_2', [I, H]);
  let flop = 0;
  const outs: string[] = [];
  for (const [tag, S] of [['q', w.qLen], ['p', w.pLen]] as const) {
    const N = w.batch * S;
    const x = input(`x_${tag}`, [N, H]);
    const inner = input(`inner_${tag}`, [N, I]);
    const q = input(`q_${tag}`, [w.batch, nh, S, H / nh]);
    const k = input(`k_${tag}`, [w.batch, nh, H / nh, S]);
    const probs = input(`probs_${tag}`, [w.batch, nh, S, S]);
    outs.push(g.op('MatMul', [x, wQkv]), g.op('MatMul', [x, wO]), g.op('MatMul', [x, w1]), g.op('MatMul', [inner, w2]), g.op('MatMul', [q, k]), g.op('MatMul', [probs, q]));
    flop += 2 * N * (3 * H * H + H * H + 2 * H * I) + 2 * 2 * N * S * H;
  }
  outs.forEach((o, i) => g.output(g.op('Identity', [o], {}, { name: `out_${i}` }), 'float32', []));
  const session = await OnnxSession.create(g.toBytes(), { provider, threads: availableParallelism(), deviceOutputs: outs.map((_, i) => `out_${i}`) });
  const fetch = outs.map((_, i) => `out_${i}`);
  const dispose = (r: Record<string, DeviceTensor>) => Object.values(r).forEach((t) => t.dispose());
  dispose(await session.runTensors(feeds, fetch));
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) dispose(await session.runTensors(feeds, fetch));
  const ms = (performance.now() - t0) / reps;
  await session.release();
  return flop / (ms * 1e6);
}

interface Line {
  metric: string;
  ours: number;
  peer: string;
  peerValue: number;
  /** false: the peer is a reference from elsewhere, not measured in this run (ratio null). */
  measured?: boolean;
}

const line = ({ metric, ours, peer, peerValue, measured = true }: Line) =>
  console.log(JSON.stringify({ bench: 'train', metric, ours: +ours.toPrecision(4), peer, peer_value: +peerValue.toPrecision(4), ratio: measured ? +(ours / peerValue).toPrecision(4) : null }));

function providerArg(): ProviderChoice {
  const i = process.argv.indexOf('--provider');
  const value = i >= 0 ? process.argv[i + 1] : 'cpu';
  if (!['cpu', 'webgpu', 'cuda', 'dml', 'coreml', 'auto'].includes(value)) throw new Error(`--provider ${value}: expected cpu, webgpu, cuda, dml, coreml or auto`);
  return value as ProviderChoice;
}

export async function run(): Promise<void> {
  const provider = providerArg();
  const threads = availableParallelism();
  const log = (s: string) => console.error(s);

  const w: Workload = { batch: 32, qLen: 16, pLen: 128, steps: 2 };
  const flop = stepFlops(CONFIG, w);
  const mmBefore = await ortStepShapesGflops(CONFIG, w, provider, 3);
  const engine = await ortEngineFor(CONFIG, provider, threads);
  const ortTiming = await timeOrtSteps(engine, w, log);
  const device = engine.device.provider;
  await engine.dispose();
  const mmAfter = await ortStepShapesGflops(CONFIG, w, provider, 3);
  const mm = (mmBefore + mmAfter) / 2; // the machine's load drifts: before and after, averaged
  const ortGflops = flop / (ortTiming.msPerStep * 1e6);
  log(`MiniLM-L6 on ort ${device}: ${ortTiming.msPerStep.toFixed(0)} ms/step, ${ortGflops.toFixed(1)} GFLOP/s; plain MatMul of the step's shapes ${mm.toFixed(1)} GFLOP/s`);

  let tfjs: Timing | null = null;
  if (device === 'cpu') {
    await useBackend('wasm');
    tfjs = await timeTfjsSteps(w, log);
    log(`MiniLM-L6 on tfjs wasm: ${tfjs.wallMs.toFixed(0)} ms/step`);
  }

  const tag = `ort_${device}`;
  const pairs = (ms: number, batch: number) => (batch * 1000) / ms;
  if (tfjs) line({ metric: `pairs_per_sec_${tag}_vs_tfjs_wasm`, ours: pairs(ortTiming.msPerStep, w.batch), peer: 'tfjs engine on WebAssembly, same workload, this run', peerValue: pairs(tfjs.wallMs, w.batch) });
  line({ metric: `train_gflops_vs_matmul_${tag}`, ours: ortGflops, peer: `plain onnxruntime MatMuls of the step's shapes on ${device}, ${threads} threads, this run (goal ratio ≥ 0.6)`, peerValue: mm });
  line({ metric: `ms_per_step_${tag}`, ours: ortTiming.msPerStep, peer: 'reference: PyTorch 2.11, 2 threads, 12.6 pairs/s (issue 12, another x86 server)', peerValue: (32 * 1000) / 12.6, measured: false });
  line({ metric: `bytes_per_step_${tag}`, ours: ortTiming.bytesPerStep, peer: 'parameter bytes of the model (what a host round trip of the weights would move)', peerValue: 4 * paramCount(CONFIG) });
  // mpnet-base size in a child process (its peak RSS alone; an out-of-memory kill is reported, not fatal).
  const base: Workload = { batch: 24, qLen: 16, pLen: 192, steps: Number(process.env.GENQ_BENCH_BASE_STEPS ?? 1) };
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'bench/train-ort.ts', '--child', provider, JSON.stringify(MPNET_BASE), JSON.stringify(base)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  const baseResult = child.status === 0 ? (JSON.parse(child.stdout.trim().split('\n').pop()!) as OrtTiming & { peakRssBytes: number; provider: string; gpuMemory: { usedBytes: number; totalBytes: number; processBytes: number | null; gpuName: string } | null }) : null;
  if (!baseResult) {
    log(`mpnet-base child failed (status ${child.status}, signal ${child.signal}${child.signal === 'SIGKILL' ? ': killed, likely out of memory' : ''})`);
    return;
  }
  const baseDevice = baseResult.provider;
  const baseTiming = baseResult;
  const basePeakRss = baseResult.peakRssBytes;
  const firstOnly = baseTiming.firstStepOnly ? ' (first step, includes warm-up)' : '';
  line({ metric: `pairs_per_sec_mpnet_base_b24_q16_p192_ort_${baseDevice}`, ours: pairs(baseTiming.msPerStep, base.batch), peer: `reference: PyTorch 2.11 fp32 on an H100, 409 pairs/s (issue 12); goal on that GPU ≥ 50%${firstOnly}`, peerValue: 409, measured: false });
  line({ metric: `peak_rss_gib_mpnet_base_b24_q16_p192_ort_${baseDevice}`, ours: basePeakRss / 2 ** 30, peer: 'reference: 24 GiB machine without a GPU (issue 17)', peerValue: 24, measured: false });
  line({ metric: `bytes_per_step_mpnet_base_ort_${baseDevice}`, ours: baseTiming.bytesPerStep, peer: 'parameter bytes of the model', peerValue: 4 * paramCount(MPNET_BASE) });
  const gpu = baseResult.gpuMemory;
  if (gpu) {
    // nvidia-smi after the timed steps: this process's use where it is listed, else the whole GPU's.
    const used = gpu.processBytes ?? gpu.usedBytes;
    line({ metric: `gpu_memory_gib_mpnet_base_b24_q16_p192_ort_${baseDevice}`, ours: used / 2 ** 30, peer: `the GPU's memory, ${gpu.gpuName} (nvidia-smi; ${gpu.processBytes === null ? 'whole-GPU use: this process was not listed' : "this process's use"})`, peerValue: gpu.totalBytes / 2 ** 30 });
  }
}

function paramCount(c: EncoderConfig): number {
  return parameterShapes(c).reduce((a, [, shape]) => a + shape.reduce((x, y) => x * y, 1), 0);
}
