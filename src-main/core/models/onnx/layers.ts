// Building blocks shared by the encoder graphs (BERT, MPNet): linear layers with PyTorch's
// [out, in] weights transposed once at build time, LayerNorm, activations and a post-LayerNorm
// transformer layer with fused Q/K/V projection.
import { type OnnxGraph, float } from './graph.js';

import type { Weights } from '../folder.js';

export type { Weights };

export class GraphWeightError extends Error {
  override name = 'GraphWeightError';
}

/** Looks up a weight and checks its shape; `source` names the file(s) in errors. */
export function need(weights: Weights, name: string, shape: number[], source: string): Float32Array {
  const w = weights.get(name);
  if (!w) throw new GraphWeightError(`${source}: tensor "${name}" is missing`);
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
    throw new GraphWeightError(`${source}: tensor "${name}" has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  return w.data;
}

/** [out, in] row-major → [in, out] row-major, so that y = x @ Wᵀ is a plain MatMul. */
export function transpose2d(w: Float32Array, rows: number, cols: number, scale = 1): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c] * scale;
  return out;
}

/** x [..., in] @ weightᵀ + bias → [..., out] with weightT already [in, out]. */
export function linear(g: OnnxGraph, x: string, weightT: string, bias: string): string {
  return g.op('Add', [g.op('MatMul', [x, weightT]), bias]);
}

export function layerNorm(g: OnnxGraph, x: string, gamma: string, beta: string, eps: number): string {
  return g.op('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: float(eps) });
}

/** Hugging Face's hidden_act names → ONNX ops (exact erf GELU for "gelu", as PyTorch computes it). */
export function activation(g: OnnxGraph, x: string, name: string, source: string): string {
  switch (name) {
    case 'gelu': {
      // 0.5 · x · (1 + erf(x / √2)); onnxruntime fuses this pattern into one Gelu kernel.
      const erf = g.op('Erf', [g.op('Div', [x, g.floats([Math.SQRT2])])]);
      return g.op('Mul', [g.op('Mul', [x, g.op('Add', [erf, g.floats([1])])]), g.floats([0.5])]);
    }
    case 'gelu_new':
    case 'gelu_fast':
    case 'gelu_pytorch_tanh': {
      // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))
      const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
      const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.floats([0.044715])])]), g.floats([Math.sqrt(2 / Math.PI)])]);
      return g.op('Mul', [g.op('Mul', [x, g.op('Add', [g.op('Tanh', [inner]), g.floats([1])])]), g.floats([0.5])]);
    }
    case 'relu':
      return g.op('Relu', [x]);
    case 'silu':
    case 'swish':
      return g.op('Mul', [x, g.op('Sigmoid', [x])]);
    default:
      throw new GraphWeightError(`${source}: hidden_act "${name}" is not supported (gelu, gelu_new, gelu_pytorch_tanh, relu, silu)`);
  }
}

export interface LayerNames {
  q: string; k: string; v: string; // projection prefixes (…/weight, …/bias)
  attnOut: string;
  attnNorm: string;
  ffnIn: string;
  ffnOut: string;
  ffnNorm: string;
}

export interface LayerDims {
  hidden: number;
  heads: number;
  ffn: number;
  eps: number;
  act: string;
}

/**
 * Where a layer's weights come from: initializers baked from host data (inference, below), or graph
 * inputs fed each run (training-graph.ts). Linear weights are [in, out] either way.
 */
export interface WeightSource {
  /** A Linear's [in, out] weight and [out] bias. */
  linear(prefix: string, out: number, inp: number): { w: string; b: string };
  /** Q/K/V fused into one [h, 3h] weight and [3h] bias; `scaled`: 1/√dh is already folded into the query part. */
  qkv(names: [string, string, string], h: number, scale: number, layerPrefix: string): { w: string; b: string; scaled: boolean };
  /** LayerNorm [gamma, beta]. */
  norm(prefix: string, size: number): [string, string];
}

/** Weights as initializers; the attention scale is folded into Wq and bq (inference needs no extra Mul). */
export function initializerSource(g: OnnxGraph, w: Weights, source: string): WeightSource {
  return {
    linear: (prefix, out, inp) => ({ w: tWeight(g, w, prefix, out, inp, source), b: bias(g, w, prefix, out, source) }),
    qkv: (names, h, scale, layerPrefix) => {
      // Fused projection weight [h, 3h] = [Wqᵀ·scale | Wkᵀ | Wvᵀ] and bias [3h].
      const qkvW = new Float32Array(h * 3 * h);
      const qkvB = new Float32Array(3 * h);
      names.forEach((p, part) => {
        const s = part === 0 ? scale : 1;
        const wT = transpose2d(need(w, `${p}.weight`, [h, h], source), h, h, s); // [h_in, h_out]
        for (let r = 0; r < h; r++) qkvW.set(wT.subarray(r * h, (r + 1) * h), r * 3 * h + part * h);
        const b = need(w, `${p}.bias`, [h], source);
        for (let i = 0; i < h; i++) qkvB[part * h + i] = b[i] * s;
      });
      return { w: g.weight(`${layerPrefix}.qkv.weight`, qkvW, [h, 3 * h]), b: g.weight(`${layerPrefix}.qkv.bias`, qkvB, [3 * h]), scaled: true };
    },
    norm: (prefix, size) => norm(g, w, prefix, size, source),
  };
}

/** Training-mode hooks: dropout after attention probabilities ('attention') and sublayer outputs ('hidden'). */
export interface LayerHooks {
  dropout?: (x: string, kind: 'attention' | 'hidden') => string;
}

/**
 * One post-LayerNorm transformer layer (BERT/MPNet):
 *   x' = LN(x + O·Attn(QKV(x)));  y = LN(x' + W2·act(W1·x'))
 * `scoreBias` is added to the attention scores ([batch, 1, 1, seq] padding mask, or
 * [batch, heads, seq, seq] with MPNet's relative position bias folded in).
 */
export function transformerLayer(g: OnnxGraph, x: string, scoreBias: string, ws: WeightSource, n: LayerNames, d: LayerDims, prefix: string, source: string, hooks: LayerHooks = {}): string {
  const { hidden: h, heads, ffn } = d;
  const dh = h / heads;
  const drop = (v: string, kind: 'attention' | 'hidden') => (hooks.dropout ? hooks.dropout(v, kind) : v);
  const scale = 1 / Math.sqrt(dh);
  const qkvW = ws.qkv([n.q, n.k, n.v], h, scale, prefix);
  const qkv = linear(g, x, qkvW.w, qkvW.b); // [batch, seq, 3h]
  const [q, k, v] = g.opMulti('Split', [qkv, g.int64s([h, h, h])], 3, { axis: -1 }); // each [batch, seq, h]
  const headsShape = g.int64s([0, 0, heads, dh]);
  const qh = g.op('Transpose', [g.op('Reshape', [q, headsShape])], { perm: [0, 2, 1, 3] }); // [batch, heads, seq, dh]
  const kh = g.op('Transpose', [g.op('Reshape', [k, headsShape])], { perm: [0, 2, 3, 1] }); // [batch, heads, dh, seq]
  const vh = g.op('Transpose', [g.op('Reshape', [v, headsShape])], { perm: [0, 2, 1, 3] }); // [batch, heads, seq, dh]
  const raw = g.op('MatMul', [qh, kh]); // [batch, heads, seq, seq]
  const scores = g.op('Add', [qkvW.scaled ? raw : g.op('Mul', [raw, g.floats([scale])]), scoreBias]);
  const probs = drop(g.op('Softmax', [scores], { axis: -1 }), 'attention');
  const ctx = g.op('Transpose', [g.op('MatMul', [probs, vh])], { perm: [0, 2, 1, 3] }); // [batch, seq, heads, dh]
  const merged = g.op('Reshape', [ctx, g.int64s([0, 0, h])]); // [batch, seq, h]
  const o = ws.linear(n.attnOut, h, h);
  const attnOut = drop(linear(g, merged, o.w, o.b), 'hidden');
  const x1 = layerNorm(g, g.op('Add', [attnOut, x]), ...ws.norm(n.attnNorm, h), d.eps); // [batch, seq, h]
  const w1 = ws.linear(n.ffnIn, ffn, h);
  const inner = activation(g, linear(g, x1, w1.w, w1.b), d.act, source); // [batch, seq, ffn]
  const w2 = ws.linear(n.ffnOut, h, ffn);
  const out = drop(linear(g, inner, w2.w, w2.b), 'hidden'); // [batch, seq, h]
  return layerNorm(g, g.op('Add', [out, x1]), ...ws.norm(n.ffnNorm, h), d.eps);
}

/** A Linear's weight as an initializer, transposed to [in, out]. */
export function tWeight(g: OnnxGraph, w: Weights, prefix: string, out: number, inp: number, source: string): string {
  return g.weight(`${prefix}.weight`, transpose2d(need(w, `${prefix}.weight`, [out, inp], source), out, inp), [inp, out]);
}

export function bias(g: OnnxGraph, w: Weights, prefix: string, size: number, source: string): string {
  return g.weight(`${prefix}.bias`, need(w, `${prefix}.bias`, [size], source), [size]);
}

export function norm(g: OnnxGraph, w: Weights, prefix: string, size: number, source: string): [string, string] {
  return [g.weight(`${prefix}.weight`, need(w, `${prefix}.weight`, [size], source), [size]), bias(g, w, prefix, size, source)];
}
