// Shared by the onnxruntime engine tests: open a fixture for training, build an OrtEngine, one MNR
// gradient pass (forward both columns, loss on the host, backward), the reference steps through step.ts, and the WebGPU gate.
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxGraph } from '../../../../src-main/core/models/onnx/graph.js';
import { OnnxSession } from '../../../../src-main/core/models/session.js';
import type { EngineOptions } from '../../../../src-main/core/training/engine.js';
import { openTrainingModel } from '../../../../src-main/core/training/engines.js';
import { mnrLoss, mnrLossHost } from '../../../../src-main/core/training/losses/mnr.js';
import { OrtEngine } from '../../../../src-main/core/training/ort-engine.js';
import { stepGradients } from '../../../../src-main/core/training/step.js';
import { FIXTURES } from '../models/fixtures.js';

export const REFERENCE_ADAMW: EngineOptions['adamw'] = { beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01 };

export function fixture(name: string) {
  const dir = join(FIXTURES, name);
  const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
  return { dir, ref, opened: openTrainingModel(dir) };
}

export async function ortEngine(name: string, provider: 'cpu' | 'webgpu', adamw = REFERENCE_ADAMW, splitPasses?: boolean) {
  const f = fixture(name);
  const engine = await OrtEngine.create(f.opened.model, { adamw, provider, threads: 2, splitPasses });
  return { ...f, engine };
}

/** Loss of one MNR batch; gradients left accumulated in the engine. */
export async function mnrPass(engine: OrtEngine, tokenize: (t: string[], n: number) => import('../../../../src-main/core/training/model.js').TokenBatch, pairs: [string, string][], maxLen: number, scale = 20): Promise<number> {
  const q = await engine.forward(tokenize(pairs.map((p) => p[0]), maxLen), { keep: true });
  const p = await engine.forward(tokenize(pairs.map((p) => p[1]), maxLen), { keep: true });
  const r = mnrLossHost([q.embeddings, p.embeddings], pairs.length, engine.hidden, { scale });
  await q.backward(r.dEmb[0]);
  await p.backward(r.dEmb[1]);
  return r.loss;
}

/**
 * The fixture's 12 reference steps (clip 1.0) from `from` to `to` through step.ts, as `genq train`
 * runs them (without `mini`: the fused step graph on the ort engine; with it: GradCache); returns the losses.
 */
export async function referenceSteps(engine: OrtEngine, f: { ref: any; opened: ReturnType<typeof openTrainingModel> }, opts: { from?: number; to?: number; mini?: number } = {}): Promise<number[]> {
  const t = f.ref.training;
  const losses: number[] = [];
  const loss = mnrLoss({ scale: 20 });
  for (let s = opts.from ?? 0; s < (opts.to ?? 12); s++) {
    const batch: [string, string][] = t.pairs.slice(s * 8, s * 8 + 8);
    const columns = [batch.map((p) => p[0]), batch.map((p) => p[1])];
    const r = await stepGradients(engine, f.opened.tokenize, loss, columns, undefined, { maxSeqLength: 128, dropout: 0, miniBatchSize: opts.mini, seed: 0, step: s });
    losses.push(r.loss);
    const norm = await engine.gradNorm();
    await engine.apply(t.lrs[s], Math.min(1, 1 / (norm + 1e-6)));
  }
  return losses;
}

/**
 * Why WebGPU tests cannot run here (null: they can). Tries a one-node session on the WebGPU provider.
 * Callers fail on CI (env CI set) and skip locally. Sets XDG_RUNTIME_DIR for the Vulkan loader when unset.
 */
export async function webgpuUnavailable(): Promise<string | null> {
  if (!process.env.XDG_RUNTIME_DIR) {
    process.env.XDG_RUNTIME_DIR = join(tmpdir(), 'genq-xdg');
    mkdirSync(process.env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  }
  const g = new OnnxGraph('probe');
  g.output(g.op('Identity', [g.input('x', 'float32', [1])], {}, { name: 'y' }), 'float32', [1]);
  try {
    const s = await OnnxSession.create(g.toBytes(), { provider: 'webgpu' });
    await s.release();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
