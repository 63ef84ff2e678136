// The T5 decoder as three ONNX graphs sharing one block definition:
//  - cross-kv: encoder_hidden_states → every layer's cross-attention keys/values, computed ONCE per passage;
//  - step (KV cache): one new token per sequence, past self-attention K/V in, present K/V (one longer) out;
//  - full: the whole decoder prefix recomputed (teacher forcing, and the reference the cache is tested against).
// Self-attention has a causal relative position bias (layer 0's table, shared by all layers);
// cross-attention has none, only the encoder padding mask. No 1/sqrt(d_kv) scaling anywhere.
// The step graph's cross-attention is grouped: K/V and mask come once per passage ([groups, …]) and
// the batch's rows are groups × repeat, passage-major, so the sequences sampled from one passage
// query its K/V together (one [repeat, d_kv] × [d_kv, enc] product per head) instead of each row
// reading its own copy: a third of the memory traffic and of the cross K/V memory at 3 samples.
import { OnnxGraph } from '../onnx/graph.js';
import type { Weights } from '../folder.js';
import { embeddingTable, innerDim, lmHeadWeight, type T5Config } from './config.js';
import { attend, biasByPosition, clip, feedForward, fusedQkv, gatherBias, maskBias, MASKED, projection, range, rmsNorm, splitHeads, type Ctx } from './layers.js';
import { transpose2d } from '../onnx/layers.js';

export const crossKeyName = (i: number): string => `cross_key.${i}`;
export const crossValueName = (i: number): string => `cross_value.${i}`;
export const pastKeyName = (i: number): string => `past_key.${i}`;
export const pastValueName = (i: number): string => `past_value.${i}`;
export const presentKeyName = (i: number): string => `present_key.${i}`;
export const presentValueName = (i: number): string => `present_value.${i}`;

export const SELF = (i: number): string => `decoder.block.${i}.layer.0.SelfAttention`;
const CROSS = (i: number) => `decoder.block.${i}.layer.1.EncDecAttention`;

/** encoder_hidden_states [batch, enc, d] → cross_key.i / cross_value.i [batch, heads, enc, d_kv] for every layer. */
export function buildT5CrossKvGraph(c: T5Config, w: Weights, source = 'weights'): Uint8Array {
  const g = new OnnxGraph('t5-cross-kv');
  const ctx: Ctx = { g, w, c, source };
  const enc = g.input('encoder_hidden_states', 'float32', ['batch', 'enc', c.dModel]);
  for (let i = 0; i < c.decoderLayers; i++) {
    const [k, v] = crossKv(ctx, enc, i);
    g.output(g.op('Identity', [k], {}, { name: crossKeyName(i) }), 'float32', ['batch', c.heads, 'enc', c.dKv]);
    g.output(g.op('Identity', [v], {}, { name: crossValueName(i) }), 'float32', ['batch', c.heads, 'enc', c.dKv]);
  }
  return g.toBytes({ docString: 't5 cross-attention keys/values built by genq-workbench' });
}

/**
 * One decoding step with the KV cache. Inputs: decoder_input_ids [batch, 1], encoder_attention_mask
 * [groups, enc], cross_key.i/cross_value.i [groups, heads, enc, d_kv] (batch = groups × repeat, row r
 * belongs to group ⌊r / repeat⌋; groups = batch gives one row per group), past_key.i/past_value.i
 * [batch, heads, past, d_kv] (past may be 0). The step index (= past) is read from the cache's shape,
 * since all sequences advance together.
 * Outputs: logits [batch, 1, vocab], present_key.i/present_value.i [batch, heads, past + 1, d_kv].
 */
export function buildT5DecoderStepGraph(c: T5Config, w: Weights, source = 'weights'): Uint8Array {
  const g = new OnnxGraph('t5-decoder-step');
  const ctx: Ctx = { g, w, c, source };
  const ids = g.input('decoder_input_ids', 'int64', ['batch', 1]);
  const encMask = g.input('encoder_attention_mask', 'int64', ['groups', 'enc']);
  const cross = Array.from({ length: c.decoderLayers }, (_, i) => [
    g.input(crossKeyName(i), 'float32', ['groups', c.heads, 'enc', c.dKv]),
    g.input(crossValueName(i), 'float32', ['groups', c.heads, 'enc', c.dKv]),
  ] as [string, string]);
  const past = Array.from({ length: c.decoderLayers }, (_, i) => [
    g.input(pastKeyName(i), 'float32', ['batch', c.heads, 'past', c.dKv]),
    g.input(pastValueName(i), 'float32', ['batch', c.heads, 'past', c.dKv]),
  ]);

  const selfBias = stepSelfBias(ctx, past[0][0]);
  const x = decoderStack(ctx, embed(ctx, ids), maskBias(g, encMask), cross, (i, q, k, v) => {
    const key = g.op('Concat', [past[i][0], k], { axis: 2 }, { name: presentKeyName(i) }); // [batch, heads, past + 1, d_kv]
    const value = g.op('Concat', [past[i][1], v], { axis: 2 }, { name: presentValueName(i) });
    g.output(key, 'float32', ['batch', c.heads, 'past_plus_1', c.dKv]);
    g.output(value, 'float32', ['batch', c.heads, 'past_plus_1', c.dKv]);
    return attend(ctx, q, key, value, selfBias, SELF(i));
  }, groupedCrossAttention(ctx, cross[0][0]));
  lmHead(ctx, x, ['batch', 1, c.vocab]);
  return g.toBytes({ docString: 't5 decoder step with KV cache built by genq-workbench' });
}

/** Token ids [batch, len] → embeddings [batch, len, d]. */
export function embed(ctx: Ctx, ids: string): string {
  const { g, w, c, source } = ctx;
  return g.op('Gather', [g.weight('shared', embeddingTable(w, c, source), [c.vocab, c.dModel]), ids], { axis: 0 });
}

/**
 * Self-attention bias of one new query at position `past` (read from the cache's shape) against
 * keys 0..past: distance past − k, clipped. → [1, heads, 1, past + 1]
 */
export function stepSelfBias(ctx: Ctx, pastKey: string): string {
  const { g } = ctx;
  const pastLen = g.op('Shape', [pastKey], { start: 2, end: 3 }); // [1]
  const keys = range(g, g.op('Add', [pastLen, g.int64s([1])])); // [past + 1]
  const { table, rows } = biasByPosition(ctx, SELF(0), false);
  const distance = clip(g, g.op('Sub', [g.op('Unsqueeze', [pastLen, g.int64s([1])]), g.op('Unsqueeze', [keys, g.int64s([0])])]), 0, rows - 1); // [1, past + 1]
  return gatherBias(g, table, distance);
}

/** decoder_input_ids [batch, dec], encoder_hidden_states, encoder_attention_mask → logits [batch, dec, vocab] (no cache). */
export function buildT5DecoderFullGraph(c: T5Config, w: Weights, source = 'weights'): Uint8Array {
  const g = new OnnxGraph('t5-decoder-full');
  const ctx: Ctx = { g, w, c, source };
  const ids = g.input('decoder_input_ids', 'int64', ['batch', 'dec']);
  const encMask = g.input('encoder_attention_mask', 'int64', ['batch', 'enc']);
  const enc = g.input('encoder_hidden_states', 'float32', ['batch', 'enc', c.dModel]);
  const cross = Array.from({ length: c.decoderLayers }, (_, i) => crossKv(ctx, enc, i));

  const positions = range(g, g.op('Shape', [ids], { start: 1, end: 2 })); // [dec]
  const queryMinusKey = g.op('Sub', [g.op('Unsqueeze', [positions, g.int64s([1])]), g.op('Unsqueeze', [positions, g.int64s([0])])]); // [dec, dec]
  const { table, rows } = biasByPosition(ctx, SELF(0), false);
  const causal = g.op('Mul', [g.op('Cast', [g.op('Less', [queryMinusKey, g.int64s([0], [])])], { to: 1 }), g.floats([MASKED])]); // [dec, dec]: finfo.min on future keys
  const selfBias = g.op('Add', [gatherBias(g, table, clip(g, queryMinusKey, 0, rows - 1)), causal]); // [1, heads, dec, dec]

  const x = decoderStack(ctx, embed(ctx, ids), maskBias(g, encMask), cross, (i, q, k, v) =>
    attend(ctx, q, k, v, selfBias, SELF(i)),
  );
  lmHead(ctx, x, ['batch', 'dec', c.vocab]);
  return g.toBytes({ docString: 't5 decoder without cache built by genq-workbench' });
}

export type SelfAttention = (layer: number, q: string, k: string, v: string) => string;
/** Cross-attention of layer i: normed x [batch, len, d], K/V, encoder bias → [batch, len, d]. */
export type CrossAttention = (layer: number, x: string, k: string, v: string, encBias: string) => string;

/** One row per K/V row: q [batch, heads, len, d_kv] against k/v [batch, heads, enc, d_kv]. */
export function rowCrossAttention(ctx: Ctx): CrossAttention {
  const { g, c } = ctx;
  return (i, x, k, v, encBias) => {
    const q = splitHeads(ctx, g.op('MatMul', [x, projection(ctx, `${CROSS(i)}.q.weight`, innerDim(c), c.dModel)])); // [batch, heads, len, d_kv]
    return attend(ctx, q, k, v, encBias, CROSS(i));
  };
}

/**
 * One new position per row, rows grouped by passage: x [batch, 1, d] with batch = groups × repeat,
 * K/V [groups, heads, enc, d_kv], bias [groups, 1, 1, enc]. groups is read from `groupedKey`'s shape.
 */
export function groupedCrossAttention(ctx: Ctx, groupedKey: string): CrossAttention {
  const { g, c } = ctx;
  const groupShape = g.op('Concat', [g.op('Shape', [groupedKey], { start: 0, end: 1 }), g.int64s([-1, c.heads, c.dKv])], { axis: 0 }); // [groups, repeat, heads, d_kv]
  return (i, x, k, v, encBias) => {
    const q = g.op('MatMul', [x, projection(ctx, `${CROSS(i)}.q.weight`, innerDim(c), c.dModel)]); // [batch, 1, inner]
    const grouped = g.op('Transpose', [g.op('Reshape', [q, groupShape])], { perm: [0, 2, 1, 3] }); // [groups, heads, repeat, d_kv]
    const out = attend(ctx, grouped, k, v, encBias, CROSS(i)); // [groups, repeat, d]
    return g.op('Reshape', [out, g.int64s([-1, 1, c.dModel])]); // [batch, 1, d]
  };
}

/** Embedded tokens [batch, len, d] through every decoder block and the final norm → [batch, len, d]. */
export function decoderStack(ctx: Ctx, embedded: string, encBias: string, cross: Array<[string, string]>, selfAttention: SelfAttention, crossAttention = rowCrossAttention(ctx)): string {
  const { g, c } = ctx;
  let x = embedded;
  for (let i = 0; i < c.decoderLayers; i++) {
    const p = `decoder.block.${i}`;
    const [q, k, v] = fusedQkv(ctx, rmsNorm(ctx, x, `${p}.layer.0.layer_norm`), SELF(i));
    x = g.op('Add', [x, selfAttention(i, q, k, v)]);
    x = g.op('Add', [x, crossAttention(i, rmsNorm(ctx, x, `${p}.layer.1.layer_norm`), cross[i][0], cross[i][1], encBias)]);
    x = g.op('Add', [x, feedForward(ctx, rmsNorm(ctx, x, `${p}.layer.2.layer_norm`), `${p}.layer.2`)]);
  }
  return rmsNorm(ctx, x, 'decoder.final_layer_norm');
}

/** Layer i's cross-attention K and V from the encoder output, one fused MatMul: → two [batch, heads, enc, d_kv]. */
export function crossKv(ctx: Ctx, enc: string, i: number): [string, string] {
  const { g, c } = ctx;
  const inner = innerDim(c);
  const kT = projection(ctx, `${CROSS(i)}.k.weight`, inner, c.dModel);
  const vT = projection(ctx, `${CROSS(i)}.v.weight`, inner, c.dModel);
  const kv = g.op('MatMul', [enc, g.op('Concat', [kT, vT], { axis: 1 })]); // [batch, enc, 2·inner]
  const [k, v] = g.opMulti('Split', [kv, g.int64s([inner, inner])], 2, { axis: -1 });
  return [splitHeads(ctx, k), splitHeads(ctx, v)];
}

/** Decoder output [batch, len, d] → logits; v1.0's d_model^-0.5 rescale is folded into the head's weights. */
export function lmHead(ctx: Ctx, x: string, dims: Array<number | string>): void {
  const { g, c, w, source } = ctx;
  const scale = c.scaleDecoderOutput ? c.dModel ** -0.5 : 1;
  const headT = g.weight('lm_head_t', transpose2d(lmHeadWeight(w, c, source), c.vocab, c.dModel, scale), [c.dModel, c.vocab]); // [d, vocab]
  g.output(g.op('MatMul', [x, headT], {}, { name: 'logits' }), 'float32', dims);
}
