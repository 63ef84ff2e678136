// Multi-head self-attention (BERT and MPNet share it; MPNet adds a relative position bias) with
// its backward pass. Batched matmuls use explicit transposes (fast on wasm), never transpose flags,
// and go through batchMatMul (one XNNPACK product per batch·head on wasm).
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul } from './batch-matmul.js';
import { dropout, linear, type Backward, type GradStore, type Params } from './layers.js';

export interface AttentionNames {
  q: string;
  k: string;
  v: string;
  o: string;
}

export interface AttentionInput {
  x: tf.Tensor2D; // [B*S, H]
  batch: number;
  seq: number;
  heads: number;
  /** Additive key mask: 0 for tokens, a large negative for padding. [B, 1, 1, S] */
  maskBias: tf.Tensor4D;
  /** MPNet's relative position bias [1, heads, S, S], or null. */
  positionBias: tf.Tensor4D | null;
  dropoutP: number;
  dropoutSeed: number | null;
}

export interface AttentionResult {
  y: tf.Tensor2D; // [B*S, H] (output projection applied)
  /** Returns dx; `dPositionBias` receives the gradient of positionBias summed over the batch [heads, S, S]. */
  backward: (dy: tf.Tensor) => { dx: tf.Tensor2D; dPositionBias: tf.Tensor3D | null };
}

export function selfAttention(inp: AttentionInput, params: Params, names: AttentionNames, grads: GradStore | null): AttentionResult {
  const { x, batch: B, seq: S, heads: nh } = inp;
  const H = x.shape[1];
  const d = H / nh;
  const scale = 1 / Math.sqrt(d);
  const q = linear(x, params, names.q, grads);
  const k = linear(x, params, names.k, grads);
  const v = linear(x, params, names.v, grads);
  // [B*S, H] → [B*nh, S, d]
  const split = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [B, S, nh, d]), [0, 2, 1, 3]), [B * nh, S, d]) as tf.Tensor3D;
  // [B*nh, S, d] → [B*S, H]
  const merge = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [B, nh, S, d]), [0, 2, 1, 3]), [B * S, H]) as tf.Tensor2D;
  const qh = split(q.y); // [B*nh, S, d]
  const kh = split(k.y);
  const vh = split(v.y);
  const probs = tf.tidy(() => {
    let scores = tf.reshape(tf.mul(batchMatMul(qh, tf.transpose(kh, [0, 2, 1])), scale), [B, nh, S, S]); // [B, nh, S, S]
    if (inp.positionBias) scores = tf.add(scores, inp.positionBias);
    scores = tf.add(scores, inp.maskBias);
    return tf.reshape(tf.softmax(scores), [B * nh, S, S]) as tf.Tensor3D; // [B*nh, S, S]
  });
  const drop = dropout(probs, inp.dropoutP, inp.dropoutSeed);
  const ctx = tf.tidy(() => merge(batchMatMul(drop.y, vh))); // [B*S, H]
  const o = linear(ctx, params, names.o, grads);

  const backward = (dy: tf.Tensor) => {
    const dctxFlat = o.backward(dy); // [B*S, H]
    const [dq, dk, dv, dPositionBias] = tf.tidy(() => {
      const dctx = split(dctxFlat); // [B*nh, S, d]
      const dProbsDropped = batchMatMul(dctx, tf.transpose(vh, [0, 2, 1])); // [B*nh, S, S]
      const dvh = batchMatMul(tf.transpose(drop.y, [0, 2, 1]), dctx); // [B*nh, S, d]
      const dProbs = drop.backward(dProbsDropped);
      // softmax backward: dscores = p · (dp − Σ_j dp·p)
      const dScores = tf.mul(probs, tf.sub(dProbs, tf.sum(tf.mul(dProbs, probs), -1, true))) as tf.Tensor3D; // [B*nh, S, S]
      const dBias = inp.positionBias ? [tf.sum(tf.reshape(dScores, [B, nh, S, S]), 0) as tf.Tensor3D] : []; // [nh, S, S]
      const dqh = tf.mul(batchMatMul(dScores, kh), scale); // [B*nh, S, d]
      const dkh = tf.mul(batchMatMul(tf.transpose(dScores, [0, 2, 1]) as tf.Tensor3D, qh), scale); // [B*nh, S, d]
      return [merge(dqh), merge(dkh), merge(dvh), ...dBias];
    });
    const dx = tf.tidy(() => {
      const xT = grads ? (tf.transpose(x) as tf.Tensor2D) : undefined; // [H, B*S], shared by the three weight gradients
      return tf.addN([q.backward(dq, xT), k.backward(dk, xT), v.backward(dv, xT)]);
    }) as tf.Tensor2D;
    tf.dispose([dq, dk, dv]);
    return { dx, dPositionBias: (dPositionBias as tf.Tensor3D | undefined) ?? null };
  };
  return { y: o.y, backward };
}

export type { Backward };
