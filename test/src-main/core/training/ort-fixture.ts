// Shared by the onnxruntime engine tests: open a fixture for training, build an OrtEngine, one MNR
// gradient pass (forward both columns, loss on the host, backward), and the WebGPU gate.
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxGraph } from '../../../../src-main/core/models/onnx/graph.js';
import { OnnxSession } from '../../../../src-main/core/models/session.js';
import type { EngineOptions } from '../../../../src-main/core/training/engine.js';
import { openTrainingModel } from '../../../../src-main/core/training/engines.js';
import { mnrLossHost } from '../../../../src-main/core/training/losses/mnr.js';
import { OrtEngine } from '../../../../src-main/core/training/ort-engine.js';
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

/** The same loss and gradients with GradCache: embed mini-batches without keeping, loss, then redo each with backward. */
export async function mnrPassCached(engine: OrtEngine, tokenize: (t: string[], n: number) => import('../../../../src-main/core/training/model.js').TokenBatch, pairs: [string, string][], maxLen: number, mini: number, scale = 20): Promise<number> {
  const B = pairs.length;
  const H = engine.hidden;
  const columns = [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
  const emb = columns.map(() => new Float32Array(B * H));
  for (const [c, texts] of columns.entries()) {
    for (let a = 0; a < B; a += mini) {
      const f = await engine.forward(tokenize(texts.slice(a, a + mini), maxLen), { keep: false });
      emb[c].set(f.embeddings, a * H);
    }
  }
  const r = mnrLossHost(emb, B, H, { scale });
  for (const [c, texts] of columns.entries()) {
    for (let a = 0; a < B; a += mini) {
      const f = await engine.forward(tokenize(texts.slice(a, a + mini), maxLen), { keep: true });
      await f.backward(r.dEmb[c].slice(a * H, Math.min(B, a + mini) * H));
    }
  }
  return r.loss;
}

/** The fixture's 12 reference steps (clip 1.0) from `from` to `to`; returns the losses. */
export async function referenceSteps(engine: OrtEngine, f: { ref: any; opened: ReturnType<typeof openTrainingModel> }, opts: { from?: number; to?: number; mini?: number } = {}): Promise<number[]> {
  const t = f.ref.training;
  const losses: number[] = [];
  for (let s = opts.from ?? 0; s < (opts.to ?? 12); s++) {
    const batch = t.pairs.slice(s * 8, s * 8 + 8);
    losses.push(opts.mini ? await mnrPassCached(engine, f.opened.tokenize, batch, 128, opts.mini) : await mnrPass(engine, f.opened.tokenize, batch, 128));
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
