// T5's graph building blocks: RMS LayerNorm (no mean, no bias), attention WITHOUT 1/sqrt(d_kv)
// scaling, the FFN (ReLU or gated-GELU), and the relative position bias tables. Projection weights
// are transposed once at build time so that every projection is a plain MatMul.
import type { OnnxGraph } from '../onnx/graph.js';
import { activation, need, transpose2d, type Weights } from '../onnx/layers.js';
import { innerDim, type T5Config } from './config.js';

/** float32 finfo.min: what transformers adds to masked attention scores. */
export const MASKED = -3.4028234663852886e38;

export interface Ctx {
  g: OnnxGraph;
  w: Weights;
  c: T5Config;
  source: string;
}

/** T5LayerNorm: x · rsqrt(mean(x²) + eps) · weight. */
export function rmsNorm(ctx: Ctx, x: string, prefix: string): string {
  const { g, w, c, source } = ctx;
  const weight = g.weight(`${prefix}.weight`, need(w, `${prefix}.weight`, [c.dModel], source), [c.dModel]);
  const variance = g.op('ReduceMean', [g.op('Pow', [x, g.floats([2])])], { axes: [-1], keepdims: 1 }); // [..., 1]
  const normed = g.op('Div', [x, g.op('Sqrt', [g.op('Add', [variance, g.floats([c.eps])])])]);
  return g.op('Mul', [normed, weight]);
}

/** Linear weight [out, in] → initializer [in, out]. */
export function projection(ctx: Ctx, name: string, out: number, inp: number, scale = 1): string {
  return ctx.g.weight(name, transpose2d(need(ctx.w, name, [out, inp], ctx.source), out, inp, scale), [inp, out]);
}

/** [batch, seq, heads·d_kv] → [batch, heads, seq, d_kv] */
export function splitHeads(ctx: Ctx, x: string): string {
  const { g, c } = ctx;
  return g.op('Transpose', [g.op('Reshape', [x, g.int64s([0, 0, c.heads, c.dKv])])], { perm: [0, 2, 1, 3] });
}

/** Q/K/V for self-attention in one MatMul: [batch, seq, d] → three [batch, heads, seq, d_kv]. */
export function fusedQkv(ctx: Ctx, x: string, prefix: string): [string, string, string] {
  const { g, c } = ctx;
  const d = c.dModel;
  const inner = innerDim(c);
  const fused = new Float32Array(d * 3 * inner); // [d, 3·inner] = [Wqᵀ | Wkᵀ | Wvᵀ]
  ['q', 'k', 'v'].forEach((p, part) => {
    const wT = transpose2d(need(ctx.w, `${prefix}.${p}.weight`, [inner, d], ctx.source), inner, d); // [d, inner]
    for (let r = 0; r < d; r++) fused.set(wT.subarray(r * inner, (r + 1) * inner), r * 3 * inner + part * inner);
  });
  const qkv = g.op('MatMul', [x, g.weight(`${prefix}.qkv.weight`, fused, [d, 3 * inner])]); // [batch, seq, 3·inner]
  const [q, k, v] = g.opMulti('Split', [qkv, g.int64s([inner, inner, inner])], 3, { axis: -1 });
  return [splitHeads(ctx, q), splitHeads(ctx, k), splitHeads(ctx, v)];
}

/**
 * softmax(Q·Kᵀ + bias)·V, merged back to [batch, q_len, d] through the output projection `o`.
 * q [batch, heads, q_len, d_kv], k/v [batch, heads, k_len, d_kv], bias broadcastable to [batch, heads, q_len, k_len].
 */
export function attend(ctx: Ctx, q: string, k: string, v: string, bias: string, prefix: string): string {
  const { g, c } = ctx;
  const inner = innerDim(c);
  const scores = g.op('Add', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), bias]); // [batch, heads, q_len, k_len]
  const probs = g.op('Softmax', [scores], { axis: -1 });
  const merged = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), g.int64s([0, 0, inner])]); // [batch, q_len, inner]
  return g.op('MatMul', [merged, projection(ctx, `${prefix}.o.weight`, c.dModel, inner)]); // [batch, q_len, d]
}

/** DenseReluDense / DenseGatedActDense: [batch, seq, d] → [batch, seq, d]. */
export function feedForward(ctx: Ctx, x: string, prefix: string): string {
  const { g, c, source } = ctx;
  const p = `${prefix}.DenseReluDense`;
  const hidden = c.gated
    ? g.op('Mul', [
        activation(g, g.op('MatMul', [x, projection(ctx, `${p}.wi_0.weight`, c.dFf, c.dModel)]), c.act, source),
        g.op('MatMul', [x, projection(ctx, `${p}.wi_1.weight`, c.dFf, c.dModel)]),
      ])
    : activation(g, g.op('MatMul', [x, projection(ctx, `${p}.wi.weight`, c.dFf, c.dModel)]), c.act, source); // [batch, seq, d_ff]
  return g.op('MatMul', [hidden, projection(ctx, `${p}.wo.weight`, c.dModel, c.dFf)]);
}

/** Padding mask as an additive bias: int64 [batch, k_len] → float [batch, 1, 1, k_len] (0 or finfo.min). */
export function maskBias(g: OnnxGraph, mask: string): string {
  const maskF = g.op('Cast', [mask], { to: 1 });
  return g.op('Unsqueeze', [g.op('Mul', [g.op('Sub', [g.floats([1]), maskF]), g.floats([MASKED])]), g.int64s([1, 2])]);
}

/**
 * transformers' T5Attention._relative_position_bucket for one relative position (key − query),
 * computed in float32 steps (Math.fround) as PyTorch does, so rounding at bucket edges matches.
 */
export function relativeBucket(relative: number, bidirectional: boolean, numBuckets: number, maxDistance: number): number {
  let buckets = numBuckets;
  let ret = 0;
  let n: number;
  if (bidirectional) {
    buckets = Math.floor(buckets / 2);
    if (relative > 0) ret += buckets;
    n = Math.abs(relative);
  } else {
    n = Math.max(-relative, 0);
  }
  const maxExact = Math.floor(buckets / 2);
  if (n < maxExact) return ret + n;
  const logRatio = Math.fround(Math.log(Math.fround(n / maxExact)));
  const scaled = Math.fround(Math.fround(logRatio / Math.fround(Math.log(maxDistance / maxExact))) * (buckets - maxExact));
  return ret + Math.min(maxExact + Math.trunc(scaled), buckets - 1);
}

/**
 * The layer-0 relative_attention_bias table re-indexed by clipped relative position: row r holds the
 * per-head bias for relative position (r − maxDistance) (bidirectional) or distance r (causal).
 * Beyond maxDistance every bucket saturates, so positions are clipped to it. → [rows, heads]
 */
export function biasByPosition(ctx: Ctx, prefix: string, bidirectional: boolean): { table: string; rows: number } {
  const { c } = ctx;
  const weights = need(ctx.w, `${prefix}.relative_attention_bias.weight`, [c.buckets, c.heads], ctx.source);
  const D = c.maxDistance;
  const rows = bidirectional ? 2 * D + 1 : D + 1;
  const out = new Float32Array(rows * c.heads);
  for (let r = 0; r < rows; r++) {
    const bucket = relativeBucket(bidirectional ? r - D : -r, bidirectional, c.buckets, c.maxDistance);
    out.set(weights.subarray(bucket * c.heads, (bucket + 1) * c.heads), r * c.heads);
  }
  return { table: ctx.g.weight(`${prefix}.bias_by_position`, out, [rows, c.heads]), rows };
}

/** Rows of a [rows, heads] table gathered by int64 indices [q, k] → [1, heads, q, k]. */
export function gatherBias(g: OnnxGraph, table: string, index: string): string {
  return g.op('Unsqueeze', [g.op('Transpose', [g.op('Gather', [table, index], { axis: 0 })], { perm: [2, 0, 1] }), g.int64s([0])]);
}

/** int64 0..n-1 for a [1]-shaped length value. */
export function range(g: OnnxGraph, length: string): string {
  return g.op('Range', [g.int64s([0], []), g.op('Squeeze', [length, g.int64s([0])]), g.int64s([1], [])]);
}

/** Bias helper: (key − query) for query positions `qPos` [q] and key positions `kPos` [k] → int64 [q, k]. */
export function relativePositions(g: OnnxGraph, qPos: string, kPos: string): string {
  return g.op('Sub', [g.op('Unsqueeze', [kPos, g.int64s([0])]), g.op('Unsqueeze', [qPos, g.int64s([1])])]);
}

/** Clips int64 x to [lo, hi]. */
export function clip(g: OnnxGraph, x: string, lo: number, hi: number): string {
  return g.op('Min', [g.op('Max', [x, g.int64s([lo], [])]), g.int64s([hi], [])]);
}
