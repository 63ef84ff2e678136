// npm run bench -- train
// One MNR training step (forward, backward, clip, AdamW) of a MiniLM-L6-sized BERT (hidden 384,
// 6 layers, 12 heads, FFN 1536, vocab 30522, random weights made here): batch 32, queries 16
// tokens, passages 128 tokens, dropout 0.1. Reports pairs/s and ms per step per backend, the
// model FLOPs per step, achieved GFLOP/s, and in the same run the GFLOP/s of a plain matmul on the
// same backend and on onnxruntime-node (the machine's practical peak).
// The cpu backend (~0.7 GFLOP/s) would need minutes per step, so it runs a reduced workload
// (batch 2, queries 8, passages 16 tokens) and its metrics say so.
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

/** Runs `w.steps` full training steps (after one warm-up step); returns ms per step. */
function timeTraining(w: Workload): number {
  const params = randomParams(1);
  const optimizer = new AdamW({ beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01 });
  const rand = mulberry32(2);
  const times: number[] = [];
  for (let step = 0; step <= w.steps; step++) {
    const q = randomBatch(w.batch, w.qLen, rand);
    const p = randomBatch(w.batch, w.pLen, rand);
    const t0 = performance.now();
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
    if (step > 0) times.push(performance.now() - t0);
  }
  optimizer.dispose();
  for (const t of params.values()) t.dispose();
  return times.reduce((a, b) => a + b, 0) / times.length;
}

function tfMatmulGflops(n: number, reps: number): number {
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  tf.matMul(a, b).dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    // (Not inside tf.tidy: tidy walks a returned typed array element by element.)
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }
  const ms = (performance.now() - t0) / reps;
  tf.dispose([a, b]);
  return (2 * n ** 3) / (ms * 1e6);
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
  const results: Array<{ backend: BackendName; w: Workload; msPerStep: number; gflops: number; mm: number }> = [];
  for (const [backend, w] of [['wasm', { batch: 32, qLen: 16, pLen: 128, steps: 2 }], ['cpu', { batch: 2, qLen: 8, pLen: 16, steps: 1 }]] as const) {
    const active = await useBackend(backend);
    const mm = tfMatmulGflops(MATMUL_N, backend === 'cpu' ? 1 : 8);
    const msPerStep = timeTraining(w);
    const gflops = stepFlops(CONFIG, w) / (msPerStep * 1e6);
    results.push({ backend: active, w, msPerStep, gflops, mm });
    console.error(`${active}: batch ${w.batch} q${w.qLen} p${w.pLen}: ${msPerStep.toFixed(0)} ms/step, ${(stepFlops(CONFIG, w) / 1e9).toFixed(1)} GFLOP/step, ${gflops.toFixed(2)} GFLOP/s (plain matmul ${mm.toFixed(2)} GFLOP/s; onnxruntime ${ortGflops.toFixed(1)} GFLOP/s)`);
  }
  for (const r of results) {
    const tag = r.backend === 'cpu' ? 'cpu_b2_q8_p16' : r.backend;
    line(`pairs_per_sec_${tag}`, (r.w.batch * 1000) / r.msPerStep, 'PyTorch 2.11, 2 threads, batch 32 q16 p128 (issue reference, another x86 server)', 12.6);
    line(`ms_per_step_${tag}`, r.msPerStep, 'PyTorch 2.11 at 12.6 pairs/s (batch 32)', (32 * 1000) / 12.6);
    line(`gflop_per_step_${tag}`, stepFlops(CONFIG, r.w) / 1e9, 'model FLOPs per step (matmuls, forward + backward)', stepFlops(CONFIG, r.w) / 1e9);
    line(`train_gflops_vs_backend_matmul_${tag}`, r.gflops, `tfjs ${r.backend} plain matmul ${MATMUL_N}³ GFLOP/s`, r.mm);
    line(`train_gflops_vs_onnxruntime_${tag}`, r.gflops, `onnxruntime-node MatMul ${MATMUL_N}³ GFLOP/s, ${availableParallelism()} threads`, ortGflops);
  }
}
