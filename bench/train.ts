// npm run bench -- train
// One MNR training step (forward, backward, clip, AdamW) of a MiniLM-L6-sized BERT (hidden 384,
// 6 layers, 12 heads, FFN 1536, vocab 30522, random weights made here): batch 32, queries 16
// tokens, passages 128 tokens, dropout 0.1. Reports pairs/s and ms per step per backend, the
// model FLOPs per step, achieved GFLOP/s, and in the same run the GFLOP/s of a plain matmul on the
// same backend and on onnxruntime-node (the machine's practical peak).
// The cpu backend (~0.7 GFLOP/s) would need minutes per step, so it runs a reduced workload
// (batch 2, queries 8, passages 16 tokens) and its metrics say so.
// Time is measured twice: wall clock, and this process's CPU time. The tfjs backends run on one
// thread, so on a shared machine (several busy processes per core) the wall clock mostly measures
// the neighbours; the *_cputime metrics compare the training step and the plain matmul on CPU time.
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { OnnxGraph } from '../src-main/core/models/onnx/graph.js';
import { AdamW, clipGradNorm } from '../src-main/core/training/adamw.js';
import { useBackend, type BackendName } from '../src-main/core/training/backend.js';
import { GradStore, type Params } from '../src-main/core/training/layers.js';
import { mnrLoss } from '../src-main/core/training/mnr-loss.js';
import { encoderForward, parameterShapes, type EncoderConfig, type TokenBatch } from '../src-main/core/training/model.js';
import { pool } from '../src-main/core/training/pooling.js';
import { dropoutSeeds, mulberry32 } from '../src-main/core/training/rng.js';

const CONFIG: EncoderConfig = {
  architecture: 'bert', vocabSize: 30522, hiddenSize: 384, numLayers: 6, numHeads: 12, intermediateSize: 1536, maxPositions: 512,
  typeVocabSize: 2, layerNormEps: 1e-12, hiddenDropout: 0.1, attentionDropout: 0.1, padId: 0, relativeBuckets: 32,
};
const MATMUL_N = 1024;

interface Workload { batch: number; qLen: number; pLen: number; steps: number }

/** Matmul FLOPs of forward + backward (backward = 2 × forward): linears and attention; embeddings, norms, softmax excluded. */
export function stepFlops(c: EncoderConfig, w: Workload): number {
  const H = c.hiddenSize;
  const perToken = (seq: number) => c.numLayers * (2 * 4 * H * H + 2 * 2 * H * c.intermediateSize + 2 * 2 * seq * H);
  return 3 * w.batch * (w.qLen * perToken(w.qLen) + w.pLen * perToken(w.pLen));
}

function randomParams(seed: number): Params {
  const rand = mulberry32(seed);
  const params: Params = new Map();
  for (const [name, shape] of parameterShapes(CONFIG)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (name.includes('LayerNorm.weight')) data.fill(1);
    else if (!name.endsWith('.bias')) for (let i = 0; i < n; i++) data[i] = (rand() * 2 - 1) * 0.035; // ≈ N(0, 0.02) scale
    params.set(name, tf.tensor(data, shape));
  }
  return params;
}

function randomBatch(batch: number, seq: number, rand: () => number): TokenBatch {
  const ids = new Int32Array(batch * seq);
  for (let i = 0; i < ids.length; i++) ids[i] = 1000 + Math.floor(rand() * 29000);
  return { ids, mask: new Int32Array(batch * seq).fill(1), batch, seq };
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** Wall-clock and CPU milliseconds of `f` (CPU time: user + system of this process). */
function timed(f: () => void): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const c = process.cpuUsage(c0);
  return { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}

/** Runs `w.steps` full training steps (after one warm-up step); returns the mean time per step. */
function timeTraining(w: Workload): Timing {
  const params = randomParams(1);
  const optimizer = new AdamW({ beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01 });
  const rand = mulberry32(2);
  const times: Timing[] = [];
  for (let step = 0; step <= w.steps; step++) {
    const q = randomBatch(w.batch, w.qLen, rand);
    const p = randomBatch(w.batch, w.pLen, rand);
    const t = timed(() => {
      const grads = new GradStore();
      tf.tidy(() => {
        const qf = encoderForward(CONFIG, params, q, { grads, nextDropoutSeed: dropoutSeeds(1, step, 0) });
        const pf = encoderForward(CONFIG, params, p, { grads, nextDropoutSeed: dropoutSeeds(1, step, 1) });
        const qp = pool(qf.hidden, q.mask, q.batch, q.seq, 'mean', false);
        const pp = pool(pf.hidden, p.mask, p.batch, p.seq, 'mean', false);
        const r = mnrLoss(qp.embeddings, pp.embeddings, 20);
        qf.backward(qp.backward(r.dQueries));
        pf.backward(pp.backward(r.dPassages));
      });
      clipGradNorm(grads.grads, 1);
      optimizer.apply(params, grads.grads, 2e-5);
      params.get('embeddings.LayerNorm.bias')!.dataSync(); // wait for the step to finish
      grads.dispose();
    });
    if (step > 0) times.push(t);
    console.error(`  step ${step}${step === 0 ? ' (warm-up)' : ''}: ${t.wallMs.toFixed(0)} ms wall, ${t.cpuMs.toFixed(0)} ms CPU`);
  }
  optimizer.dispose();
  for (const t of params.values()) t.dispose();
  return mean(times);
}

const mean = (ts: Timing[]): Timing => ({ wallMs: ts.reduce((a, t) => a + t.wallMs, 0) / ts.length, cpuMs: ts.reduce((a, t) => a + t.cpuMs, 0) / ts.length });

/** GFLOP/s of a plain n³ matmul, by wall clock and by CPU time. */
function tfMatmulGflops(n: number, reps: number): { wall: number; cpu: number } {
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  tf.matMul(a, b).dispose();
  const t = timed(() => {
    for (let i = 0; i < reps; i++) {
      // (Not inside tf.tidy: tidy walks a returned typed array element by element.)
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    }
  });
  tf.dispose([a, b]);
  const flop = 2 * n ** 3 * reps;
  return { wall: flop / (t.wallMs * 1e6), cpu: flop / (t.cpuMs * 1e6) };
}

async function ortMatmulGflops(n: number, reps: number): Promise<number> {
  const g = new OnnxGraph('matmul');
  g.input('a', 'float32', [n, n]);
  g.input('b', 'float32', [n, n]);
  g.output(g.op('MatMul', ['a', 'b'], {}, { name: 'c' }), 'float32', [n, n]);
  const session = await ort.InferenceSession.create(g.toBytes(), { intraOpNumThreads: availableParallelism() });
  const data = Float32Array.from({ length: n * n }, (_, i) => (i % 7) / 7);
  const feeds = { a: new ort.Tensor('float32', data, [n, n]), b: new ort.Tensor('float32', data, [n, n]) };
  await session.run(feeds);
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await session.run(feeds);
  const ms = (performance.now() - t0) / reps;
  await session.release();
  return (2 * n ** 3) / (ms * 1e6);
}

const line = (metric: string, ours: number, peer: string, peerValue: number) =>
  console.log(JSON.stringify({ bench: 'train', metric, ours: +ours.toPrecision(4), peer, peer_value: +peerValue.toPrecision(4), ratio: +(ours / peerValue).toPrecision(4) }));

export async function run(): Promise<void> {
  const ortGflops = await ortMatmulGflops(MATMUL_N, 10);
  const results: Array<{ backend: BackendName; w: Workload; step: Timing; mm: { wall: number; cpu: number } }> = [];
  for (const [backend, w] of [['wasm', { batch: 32, qLen: 16, pLen: 128, steps: 2 }], ['cpu', { batch: 2, qLen: 8, pLen: 16, steps: 1 }]] as const) {
    const active = await useBackend(backend);
    const reps = backend === 'cpu' ? 1 : 8;
    const mmBefore = tfMatmulGflops(MATMUL_N, reps);
    const step = timeTraining(w);
    // The plain matmul before and after the steps, averaged: the machine's load drifts.
    const mmAfter = tfMatmulGflops(MATMUL_N, reps);
    const mm = { wall: (mmBefore.wall + mmAfter.wall) / 2, cpu: (mmBefore.cpu + mmAfter.cpu) / 2 };
    results.push({ backend: active, w, step, mm });
    const flop = stepFlops(CONFIG, w);
    console.error(
      `${active}: batch ${w.batch} q${w.qLen} p${w.pLen}: ${step.wallMs.toFixed(0)} ms/step wall, ${step.cpuMs.toFixed(0)} ms/step CPU, ${(flop / 1e9).toFixed(1)} GFLOP/step, ` +
        `${(flop / (step.wallMs * 1e6)).toFixed(2)} GFLOP/s wall / ${(flop / (step.cpuMs * 1e6)).toFixed(2)} CPU (plain matmul ${mm.wall.toFixed(2)} wall / ${mm.cpu.toFixed(2)} CPU; onnxruntime ${ortGflops.toFixed(1)} GFLOP/s wall)`,
    );
  }
  for (const r of results) {
    const tag = r.backend === 'cpu' ? 'cpu_b2_q8_p16' : r.backend;
    const flop = stepFlops(CONFIG, r.w);
    const gflopsWall = flop / (r.step.wallMs * 1e6);
    const gflopsCpu = flop / (r.step.cpuMs * 1e6);
    line(`pairs_per_sec_${tag}`, (r.w.batch * 1000) / r.step.wallMs, 'PyTorch 2.11, 2 threads, batch 32 q16 p128 (issue reference, another x86 server)', 12.6);
    line(`ms_per_step_${tag}`, r.step.wallMs, 'PyTorch 2.11 at 12.6 pairs/s (batch 32)', (32 * 1000) / 12.6);
    line(`ms_per_step_cputime_${tag}`, r.step.cpuMs, 'the same steps by wall clock (ms)', r.step.wallMs);
    line(`gflop_per_step_${tag}`, flop / 1e9, 'model FLOPs per step (matmuls, forward + backward)', flop / 1e9);
    line(`train_gflops_vs_backend_matmul_${tag}`, gflopsWall, `tfjs ${r.backend} plain matmul ${MATMUL_N}³ GFLOP/s (wall clock)`, r.mm.wall);
    line(`train_gflops_vs_backend_matmul_cputime_${tag}`, gflopsCpu, `tfjs ${r.backend} plain matmul ${MATMUL_N}³ GFLOP/s (both on CPU time)`, r.mm.cpu);
    line(`train_gflops_vs_onnxruntime_${tag}`, gflopsWall, `onnxruntime-node MatMul ${MATMUL_N}³ GFLOP/s, ${availableParallelism()} threads (wall clock)`, ortGflops);
  }
}
