// Transformer layer primitives with hand-written backward passes.
// Why not tfjs autograd: on the wasm backend the built-in matMul gradient uses transpose flags
// (10-20x slower than an explicit transpose) and gather has no gradient kernel. Each forward
// returns its output plus a `backward(dy)` closure that accumulates parameter gradients into a
// GradStore and returns the gradient of its input. Weights keep PyTorch's layout ([out, in]).
import * as tf from '@tensorflow/tfjs-core';

export type Backward = (dy: tf.Tensor) => tf.Tensor;

/** Accumulates parameter gradients by name; tensors it holds survive tf.tidy scopes. */
export class GradStore {
  readonly grads = new Map<string, tf.Tensor>();

  add(name: string, g: tf.Tensor): void {
    const prev = this.grads.get(name);
    const next = prev ? tf.add(prev, g) : g.clone();
    tf.keep(next);
    prev?.dispose();
    this.grads.set(name, next);
  }

  dispose(): void {
    for (const g of this.grads.values()) g.dispose();
    this.grads.clear();
  }
}

export type Params = Map<string, tf.Tensor>;

/**
 * Σ over rows of x [N, H] → [H]. Summed in blocks of 32 rows, then the block sums: the wasm
 * backend accumulates a long reduction in float32 one element at a time, which drifted ~1e-6 on
 * bias gradients over ~1000 tokens; two levels keep it near PyTorch's pairwise sum.
 */
export function columnSum(x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const [N, H] = x.shape as [number, number];
    const block = 32;
    if (N <= 2 * block) return tf.sum(x, 0) as tf.Tensor1D;
    const padRows = (block - (N % block)) % block;
    const padded = padRows ? tf.pad(x, [[0, padRows], [0, 0]]) : x;
    return tf.sum(tf.sum(tf.reshape(padded, [-1, block, H]), 1), 0) as tf.Tensor1D;
  });
}

export function param(params: Params, name: string): tf.Tensor {
  const t = params.get(name);
  if (!t) throw new Error(`model parameter "${name}" is missing from the weights`);
  return t;
}

/**
 * Backward of a linear layer. `xT`, when given, is the transpose of its input [in, N], shared by
 * several projections of the same input (attention's q, k, v): each then skips transposing its
 * own [N, *] operand, which costs ~7 ns per element on wasm.
 */
export type LinearBackward = (dy: tf.Tensor, xT?: tf.Tensor2D) => tf.Tensor;

/** y = x · Wᵀ + b. x: [N, in], W: [out, in], b: [out] → y: [N, out]. */
export function linear(x: tf.Tensor2D, params: Params, prefix: string, grads: GradStore | null): { y: tf.Tensor2D; backward: LinearBackward } {
  const W = param(params, `${prefix}.weight`) as tf.Tensor2D; // [out, in]
  const b = param(params, `${prefix}.bias`); // [out]
  const y = tf.tidy(() => tf.add(tf.matMul(x, tf.transpose(W)), b)) as tf.Tensor2D; // [N, out]
  const backward: LinearBackward = (dy, xT) =>
    tf.tidy(() => {
      const dy2 = dy as tf.Tensor2D; // [N, out]
      if (grads) {
        // dW = dyᵀ·x [out, in]. On wasm a product with few output rows and a long inner axis runs at
        // about half speed, so when out < in compute (xᵀ·dy)ᵀ instead (the transpose is small); the
        // same when xᵀ is already at hand.
        const [out, inp] = W.shape;
        const dW = xT ? tf.transpose(tf.matMul(xT, dy2)) : out < inp ? tf.transpose(tf.matMul(tf.transpose(x), dy2)) : tf.matMul(tf.transpose(dy2), x);
        grads.add(`${prefix}.weight`, dW);
        grads.add(`${prefix}.bias`, columnSum(dy2)); // [out]
      }
      return tf.matMul(dy2, W); // [N, in]
    });
  return { y, backward };
}

/** LayerNorm over the last axis. x: [N, H]. */
export function layerNorm(x: tf.Tensor2D, params: Params, prefix: string, eps: number, grads: GradStore | null): { y: tf.Tensor2D; backward: Backward } {
  const g = param(params, `${prefix}.weight`); // [H]
  const b = param(params, `${prefix}.bias`); // [H]
  const H = x.shape[1];
  const [xhat, rstd] = tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true); // [N, 1] each (biased variance, as torch)
    const rstd = tf.rsqrt(tf.add(variance, eps)); // [N, 1]
    return [tf.mul(tf.sub(x, mean), rstd), rstd];
  });
  const y = tf.tidy(() => tf.add(tf.mul(xhat, g), b)) as tf.Tensor2D;
  const backward: Backward = (dy) =>
    tf.tidy(() => {
      if (grads) {
        grads.add(`${prefix}.weight`, columnSum(tf.mul(dy, xhat)));
        grads.add(`${prefix}.bias`, columnSum(dy));
      }
      const dxhat = tf.mul(dy, g); // [N, H]
      const sumD = tf.sum(dxhat, -1, true); // [N, 1]
      const sumDX = tf.sum(tf.mul(dxhat, xhat), -1, true); // [N, 1]
      // dx = rstd/H · (H·dxhat − Σdxhat − xhat·Σ(dxhat·xhat))
      return tf.mul(tf.div(rstd, H), tf.sub(tf.sub(tf.mul(dxhat, H), sumD), tf.mul(xhat, sumDX)));
    });
  return { y, backward };
}

/**
 * Exact (erf) GELU, as transformers' "gelu". With `keepGrad` the derivative Φ(x) + x·φ(x) is
 * computed in the forward pass from the same Φ (erf is the costliest elementwise kernel on wasm,
 * so it runs once per layer, not twice), and backward is one multiply.
 */
export function gelu(x: tf.Tensor2D, keepGrad = true): { y: tf.Tensor2D; backward: Backward } {
  const [y, derivative] = tf.tidy(() => {
    const cdf = tf.mul(tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1), 0.5); // Φ(x)
    const out = tf.mul(x, cdf) as tf.Tensor2D;
    if (!keepGrad) return [out, null];
    const pdf = tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI)); // φ(x)
    return [out, tf.add(cdf, tf.mul(x, pdf))];
  });
  const backward: Backward = (dy) => {
    if (!derivative) throw new Error('gelu: backward called on a forward pass run without keepGrad');
    return tf.mul(dy, derivative);
  };
  return { y, backward };
}

/**
 * Inverted dropout with a seeded mask (keep with probability 1−p, scale 1/(1−p)). Identity when p is 0.
 * The mask is drawn in JS with mulberry32 (inlined): tf.randomUniform's seeded generator plus the
 * compare/cast/scale kernels cost ~3× more on wasm, and the mask only has to be reproducible.
 */
export function dropout<T extends tf.Tensor>(x: T, p: number, seed: number | null): { y: T; backward: Backward } {
  if (p <= 0 || seed === null) return { y: x, backward: (dy) => dy };
  const mask = dropoutMask(x.shape, p, seed);
  const y = tf.mul(x, mask) as T;
  return { y, backward: (dy) => tf.mul(dy, mask) };
}

/** 0 where dropped, 1/(1−p) where kept; a pure function of (shape, p, seed). */
export function dropoutMask(shape: number[], p: number, seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  const keep = 1 / (1 - p);
  const threshold = Math.ceil(p * 4294967296); // keep when draw / 2³² ≥ p
  let state = seed >>> 0;
  for (let i = 0; i < n; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    if ((t ^ (t >>> 14)) >>> 0 >= threshold) data[i] = keep;
  }
  return tf.tensor(data, shape, 'float32');
}

/**
 * Embedding lookup. table: [V, H], ids: [N] → [N, H]. The gradient is a scatter-add of the rows
 * (tf.scatterND sums duplicate indices), which works on every backend, unlike gather's gradient.
 */
export function embedding(params: Params, name: string, ids: tf.Tensor1D, grads: GradStore | null): { y: tf.Tensor2D; backward: (dy: tf.Tensor) => void } {
  const table = param(params, name) as tf.Tensor2D; // [V, H]
  const y = tf.gather(table, ids) as tf.Tensor2D; // [N, H]
  const backward = (dy: tf.Tensor): void => {
    if (!grads) return;
    tf.tidy(() => grads.add(name, tf.scatterND(tf.reshape(ids, [-1, 1]), dy, table.shape)));
  };
  return { y, backward };
}

/**
 * The first `rows` rows of an embedding table [V, H] → [rows, H], for lookups whose ids are
 * 0..rows−1 in every sequence (BERT positions, token type 0): the caller broadcasts them over the
 * batch and passes backward the gradient already summed over the batch ([rows, H]).
 */
export function embeddingPrefix(params: Params, name: string, rows: number, grads: GradStore | null): { y: tf.Tensor2D; backward: (dRows: tf.Tensor2D) => void } {
  const table = param(params, name) as tf.Tensor2D; // [V, H]
  const [V, H] = table.shape;
  if (rows > V) throw new Error(`embedding "${name}" has ${V} rows, ${rows} needed`);
  const y = tf.slice(table, [0, 0], [rows, H]);
  const backward = (dRows: tf.Tensor2D): void => {
    if (!grads) return;
    tf.tidy(() => grads.add(name, rows < V ? tf.pad(dRows, [[0, V - rows], [0, 0]]) : dRows));
  };
  return { y, backward };
}
