// The AdamW and gradient-norm graphs against training/adamw.ts (torch semantics): three steps with
// changing lr and clip coefficient, one parameter exempt from decay; and the global gradient norm.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildAdamWGraph, buildGradNormGraph } from '../../../../../src-main/core/models/onnx/adamw-graph.js';
import { OnnxSession, type TensorIn } from '../../../../../src-main/core/models/session.js';
import { AdamW, type AdamWOptions } from '../../../../../src-main/core/training/adamw.js';
import { useBackend } from '../../../../../src-main/core/training/backend.js';
import { mulberry32 } from '../../../../../src-main/core/training/rng.js';

const PARAMS = [
  { name: 'w', shape: [3, 4] },
  { name: 'norm.bias', shape: [4] },
];
const OPTS: AdamWOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.1, noDecay: (n) => n.endsWith('.bias') };

function random(n: number, rand: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
}

const f32 = (data: Float32Array, dims: number[]): TensorIn => ({ type: 'float32', data, dims });

describe('adamw-graph.ts matches training/adamw.ts', () => {
  it('three AdamW steps (decay on w only, clip coefficient applied to the gradients)', async () => {
    await useBackend('cpu');
    const rand = mulberry32(7);
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const host = new Map<string, Float32Array>(PARAMS.map((p) => [p.name, random(size(p.shape), rand)]));
    const m = new Map<string, Float32Array>(PARAMS.map((p) => [p.name, new Float32Array(size(p.shape))]));
    const v = new Map<string, Float32Array>(PARAMS.map((p) => [p.name, new Float32Array(size(p.shape))]));
    const tfParams = new Map(PARAMS.map((p) => [p.name, tf.tensor(host.get(p.name)!, p.shape)]));
    const reference = new AdamW(OPTS);
    const session = await OnnxSession.create(buildAdamWGraph(PARAMS.map((p) => ({ ...p, decay: !OPTS.noDecay!(p.name) })), OPTS), { provider: 'cpu' });
    const steps = [
      { lr: 1e-2, clip: 1 },
      { lr: 5e-3, clip: 0.5 },
      { lr: 2e-3, clip: 0.25 },
    ];
    for (const [i, { lr, clip }] of steps.entries()) {
      const grads = new Map(PARAMS.map((p) => [p.name, random(size(p.shape), rand)]));
      reference.apply(tfParams, new Map(PARAMS.map((p) => [p.name, tf.mul(tf.tensor(grads.get(p.name)!, p.shape), clip)])), lr);
      const t = i + 1;
      const feeds: Record<string, TensorIn> = {
        clip_coef: f32(Float32Array.of(clip), []),
        decay: f32(Float32Array.of(1 - lr * OPTS.weightDecay), []),
        step_size: f32(Float32Array.of(lr / (1 - OPTS.beta1 ** t)), []),
        bc2_sqrt: f32(Float32Array.of(Math.sqrt(1 - OPTS.beta2 ** t)), []),
      };
      for (const p of PARAMS) {
        feeds[`param.${p.name}`] = f32(host.get(p.name)!, p.shape);
        feeds[`grad.${p.name}`] = f32(grads.get(p.name)!, p.shape);
        feeds[`m.${p.name}`] = f32(m.get(p.name)!, p.shape);
        feeds[`v.${p.name}`] = f32(v.get(p.name)!, p.shape);
      }
      const out = await session.run(feeds, PARAMS.flatMap((p) => [`param_out.${p.name}`, `m_out.${p.name}`, `v_out.${p.name}`]));
      for (const p of PARAMS) {
        host.set(p.name, out[`param_out.${p.name}`].data);
        m.set(p.name, out[`m_out.${p.name}`].data);
        v.set(p.name, out[`v_out.${p.name}`].data);
      }
    }
    const state = reference.exportState();
    for (const p of PARAMS) {
      const want = tfParams.get(p.name)!.dataSync();
      const got = host.get(p.name)!;
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `${p.name}[${i}]`).toBeLessThan(1e-7);
      const wantM = state.m.get(p.name)!;
      for (let i = 0; i < wantM.length; i++) expect(Math.abs(m.get(p.name)![i] - wantM[i])).toBeLessThan(1e-8);
    }
    await session.release();
  });

  it('gradient norm is the global L2 norm', async () => {
    const rand = mulberry32(3);
    const grads = PARAMS.map((p) => random(p.shape.reduce((a, b) => a * b, 1), rand));
    const session = await OnnxSession.create(buildGradNormGraph(PARAMS), { provider: 'cpu' });
    const out = await session.run(Object.fromEntries(PARAMS.map((p, i) => [`grad.${p.name}`, f32(grads[i], p.shape)])), ['grad_norm']);
    const want = Math.sqrt(grads.flatMap((g) => [...g]).reduce((a, x) => a + x * x, 0));
    expect(out.grad_norm.data[0]).toBeCloseTo(want, 5);
    await session.release();
  });
});
