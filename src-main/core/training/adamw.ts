// AdamW with decoupled weight decay, following torch.optim.AdamW (amsgrad off, maximize off):
//   p ← p·(1 − lr·wd);  m ← m + (1−β1)(g − m);  v ← β2·v + (1−β2)·g²
//   p ← p − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)
// plus torch.nn.utils.clip_grad_norm_ (global L2 norm, coefficient max/(norm+1e-6) clamped to 1).
import * as tf from '@tensorflow/tfjs-core';
import type { Params } from './layers.js';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Names exempt from weight decay (e.g. biases and LayerNorm, as transformers' Trainer does). */
  noDecay?: (name: string) => boolean;
}

export interface AdamWState {
  step: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export class AdamW {
  step = 0;
  private m = new Map<string, tf.Tensor>();
  private v = new Map<string, tf.Tensor>();

  constructor(readonly opts: AdamWOptions) {}

  /** Updates params in place (the Map's tensors are replaced and the old ones disposed). */
  apply(params: Params, grads: Map<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const { beta1, beta2, eps } = this.opts;
    const bc1 = 1 - beta1 ** this.step;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** this.step);
    const stepSize = lr / bc1;
    for (const [name, p] of params) {
      const g = grads.get(name);
      if (!g) continue; // torch skips parameters without a gradient
      const wd = this.opts.noDecay?.(name) ? 0 : this.opts.weightDecay;
      const mPrev = this.m.get(name) ?? tf.zerosLike(p);
      const vPrev = this.v.get(name) ?? tf.zerosLike(p);
      const [pNext, mNext, vNext] = tf.tidy(() => {
        const decayed = wd !== 0 ? tf.mul(p, 1 - lr * wd) : p;
        const m = tf.add(mPrev, tf.mul(tf.sub(g, mPrev), 1 - beta1));
        const v = tf.add(tf.mul(vPrev, beta2), tf.mul(tf.square(g), 1 - beta2));
        const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), eps);
        return [tf.sub(decayed, tf.mul(tf.div(m, denom), stepSize)), m, v];
      });
      tf.dispose([p, mPrev, vPrev]);
      params.set(name, pNext);
      this.m.set(name, mNext);
      this.v.set(name, vNext);
    }
  }

  exportState(): AdamWState {
    const read = (map: Map<string, tf.Tensor>) => new Map([...map].map(([k, t]) => [k, t.dataSync() as Float32Array]));
    return { step: this.step, m: read(this.m), v: read(this.v) };
  }

  importState(state: AdamWState, shapes: Map<string, number[]>): void {
    this.dispose();
    this.step = state.step;
    for (const [k, data] of state.m) this.m.set(k, tf.tensor(data, shapes.get(k)));
    for (const [k, data] of state.v) this.v.set(k, tf.tensor(data, shapes.get(k)));
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}

/** Scales grads so their global L2 norm is at most maxNorm (torch semantics); returns the norm before clipping. */
export function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): number {
  const total = tf.tidy(() => tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
  if (!Number.isFinite(total)) return total;
  const coef = Math.min(1, maxNorm / (total + 1e-6));
  for (const [name, g] of grads) {
    const scaled = tf.mul(g, coef);
    g.dispose();
    grads.set(name, scaled);
  }
  return total;
}
