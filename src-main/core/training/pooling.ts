// sentence-transformers' Pooling (mean / cls / max / mean_sqrt_len over non-padding tokens) and the
// optional Normalize module, with backward passes.
import * as tf from '@tensorflow/tfjs-core';

export type PoolingMode = 'mean' | 'cls' | 'max' | 'mean_sqrt_len';

export interface PoolResult {
  embeddings: tf.Tensor2D; // [B, H]
  backward: (dEmb: tf.Tensor2D) => tf.Tensor2D; // → dHidden [B*S, H]
}

export function pool(hidden: tf.Tensor2D, mask: Int32Array, batch: number, seq: number, mode: PoolingMode, normalize: boolean): PoolResult {
  const H = hidden.shape[1];
  const h3 = tf.reshape(hidden, [batch, seq, H]) as tf.Tensor3D; // [B, S, H]
  const m = tf.reshape(tf.tensor1d(mask, 'float32'), [batch, seq, 1]); // [B, S, 1]
  let pooled: tf.Tensor2D;
  let poolBackward: (d: tf.Tensor2D) => tf.Tensor;
  if (mode === 'cls') {
    pooled = tf.squeeze(tf.slice(h3, [0, 0, 0], [batch, 1, H]), [1]) as tf.Tensor2D;
    poolBackward = (d) => tf.pad(tf.reshape(d, [batch, 1, H]), [[0, 0], [0, seq - 1], [0, 0]]);
  } else if (mode === 'max') {
    // Padding is set to −1e9 so it never wins (as sentence-transformers does).
    const masked = tf.add(h3, tf.mul(tf.sub(1, m), -1e9));
    pooled = tf.max(masked, 1) as tf.Tensor2D;
    const winners = tf.cast(tf.equal(masked, tf.reshape(pooled, [batch, 1, H])), 'float32'); // [B, S, H]
    poolBackward = (d) => tf.mul(winners, tf.reshape(d, [batch, 1, H]));
  } else {
    const count = tf.maximum(tf.sum(m, 1), 1e-9); // [B, 1]
    const denom = mode === 'mean' ? count : tf.sqrt(count);
    pooled = tf.div(tf.sum(tf.mul(h3, m), 1), denom) as tf.Tensor2D; // [B, H]
    poolBackward = (d) => tf.mul(tf.reshape(tf.div(d, denom), [batch, 1, H]), m);
  }
  if (!normalize) {
    return { embeddings: pooled, backward: (d) => tf.reshape(poolBackward(d), [batch * seq, H]) as tf.Tensor2D };
  }
  const { y, backward: normBackward } = l2Normalize(pooled);
  return { embeddings: y, backward: (d) => tf.reshape(poolBackward(normBackward(d)), [batch * seq, H]) as tf.Tensor2D };
}

/** torch.nn.functional.normalize(x, p=2, dim=1): x / max(‖x‖, 1e-12). */
export function l2Normalize(x: tf.Tensor2D): { y: tf.Tensor2D; backward: (d: tf.Tensor2D) => tf.Tensor2D } {
  const norm = tf.maximum(tf.norm(x, 2, 1, true), 1e-12); // [B, 1]
  const y = tf.div(x, norm) as tf.Tensor2D;
  // d x = (d − y·Σ(d·y)) / ‖x‖
  return { y, backward: (d) => tf.div(tf.sub(d, tf.mul(y, tf.sum(tf.mul(d, y), 1, true))), norm) as tf.Tensor2D };
}
