// ONNX graphs for BERT-family (BERT, MiniLM, BGE) and MPNet encoders, built from config.json +
// safetensors weights. Inputs: input_ids, attention_mask (int64 [batch, seq]) and, optionally,
// token_type_ids. Outputs: last_hidden_state [batch, seq, hidden] and, when a pooling mode is given,
// sentence_embedding [batch, hidden] (pooling + Normalize fused into the graph, as sentence-transformers
// computes them).
import type { PoolingMode, Weights } from '../folder.js';
import { OnnxGraph } from './graph.js';
import { GraphWeightError, initializerSource, layerNorm, need, transformerLayer, type LayerHooks, type LayerNames, type WeightSource } from './layers.js';
import { poolInGraph } from './pooling.js';

export interface EncoderSpec {
  architecture: 'bert' | 'mpnet';
  config: Record<string, any>;
}

export interface EncoderGraphOptions {
  /** Adds a token_type_ids input (cross-encoders). Without it, token type 0 is folded into the position table. */
  tokenTypes?: boolean;
  /** When set, the graph also outputs sentence_embedding. */
  pooling?: PoolingMode;
  normalize?: boolean;
  /** Names the weight file(s) in error messages. */
  source?: string;
  /** Adds a task head on last_hidden_state ([batch, seq, hidden]) with its own outputs (e.g. a cross-encoder's classifier). */
  head?: (g: OnnxGraph, hidden: string) => void;
}

/** float32 finfo.min: what transformers adds to the scores of padded keys. */
const MASKED = -3.4028234663852886e38;

export function buildEncoderGraph(spec: EncoderSpec, weights: Weights, opts: EncoderGraphOptions = {}): Uint8Array {
  const source = opts.source ?? 'weights';
  const g = new OnnxGraph(`${spec.architecture}-encoder`);
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const tokenTypeIds = opts.tokenTypes ? g.input('token_type_ids', 'int64', ['batch', 'seq']) : undefined;
  const ws = initializerEncoderSource(g, weights, source);
  const vocab: number = weights.get('embeddings.word_embeddings.weight')?.shape[0] ?? spec.config.vocab_size;
  const typeCount: number = weights.get('embeddings.token_type_embeddings.weight')?.shape[0] ?? 0;
  const { hidden: x, maskF } = encoderLayers(g, spec, ws, { inputIds, attentionMask, tokenTypeIds }, { vocab, typeCount, source });
  const h: number = spec.config.hidden_size;
  const hidden = g.op('Identity', [x], {}, { name: 'last_hidden_state' });
  g.output(hidden, 'float32', ['batch', 'seq', h]);
  if (opts.pooling) {
    poolInGraph(g, hidden, maskF, opts.pooling, opts.normalize ?? false, 'sentence_embedding');
    g.output('sentence_embedding', 'float32', ['batch', h]);
  }
  opts.head?.(g, hidden);
  return g.toBytes({ docString: `${spec.architecture} encoder built by genq-workbench` });
}

/** A WeightSource that also yields embedding tables ([rows, h], HF names). */
export interface EncoderWeightSource extends WeightSource {
  table(name: string, rows: number, cols: number): string;
  /**
   * BERT without token_type_ids: the position table with token type row 0 added, when the source
   * can fold it on the host (initializers); undefined → the row is added in the graph.
   */
  foldedPositions?(maxPos: number, h: number): string;
}

function initializerEncoderSource(g: OnnxGraph, w: Weights, source: string): EncoderWeightSource {
  const tables = new Map<string, string>();
  const graphName = (name: string) => name.replace(/^embeddings\./, '').replace(/^encoder\./, '').replace(/\.weight$/, '');
  return {
    ...initializerSource(g, w, source),
    table: (name, rows, cols) => {
      const existing = tables.get(name);
      if (existing) return existing;
      const v = g.weight(graphName(name), need(w, name, [rows, cols], source), [rows, cols]);
      tables.set(name, v);
      return v;
    },
    foldedPositions: (maxPos, h) => {
      // Every bi-encoder input has token type 0, so fold that row into the position table once.
      const folded = new Float32Array(need(w, 'embeddings.position_embeddings.weight', [maxPos, h], source));
      const typeCount: number = w.get('embeddings.token_type_embeddings.weight')?.shape[0] ?? 0;
      const types = typeCount > 0 ? need(w, 'embeddings.token_type_embeddings.weight', [typeCount, h], source) : undefined;
      if (types) for (let r = 0; r < maxPos; r++) for (let j = 0; j < h; j++) folded[r * h + j] += types[j];
      return g.weight('position_embeddings', folded, [maxPos, h]);
    },
  };
}

export interface EncoderInputs {
  inputIds: string;
  attentionMask: string;
  tokenTypeIds?: string;
}

/** HF parameter prefixes of layer i. */
export function encoderLayerNames(architecture: 'bert' | 'mpnet', i: number): LayerNames {
  const p = `encoder.layer.${i}`;
  return architecture === 'bert'
    ? {
        q: `${p}.attention.self.query`, k: `${p}.attention.self.key`, v: `${p}.attention.self.value`,
        attnOut: `${p}.attention.output.dense`, attnNorm: `${p}.attention.output.LayerNorm`,
        ffnIn: `${p}.intermediate.dense`, ffnOut: `${p}.output.dense`, ffnNorm: `${p}.output.LayerNorm`,
      }
    : {
        q: `${p}.attention.attn.q`, k: `${p}.attention.attn.k`, v: `${p}.attention.attn.v`,
        attnOut: `${p}.attention.attn.o`, attnNorm: `${p}.attention.LayerNorm`,
        ffnIn: `${p}.intermediate.dense`, ffnOut: `${p}.output.dense`, ffnNorm: `${p}.output.LayerNorm`,
      };
}

/**
 * Embeddings + transformer layers, shared by inference (initializers) and training (weights as
 * graph inputs, dropout hooks). Returns the last hidden state [batch, seq, h] and the float mask [batch, seq].
 */
export function encoderLayers(
  g: OnnxGraph,
  spec: EncoderSpec,
  ws: EncoderWeightSource,
  inp: EncoderInputs,
  dims: { vocab: number; typeCount: number; source: string },
  hooks: LayerHooks = {},
): { hidden: string; maskF: string } {
  const c = spec.config;
  const { source } = dims;
  const h: number = c.hidden_size;
  const heads: number = c.num_attention_heads;
  const layers: number = c.num_hidden_layers;
  if (!(h > 0 && heads > 0 && layers > 0 && h % heads === 0)) {
    throw new GraphWeightError(`config.json: hidden_size ${h}, num_attention_heads ${heads}, num_hidden_layers ${layers} do not describe an encoder`);
  }
  const layerDims = { hidden: h, heads, ffn: c.intermediate_size as number, eps: (c.layer_norm_eps as number) ?? 1e-12, act: (c.hidden_act as string) ?? 'gelu' };

  const words = g.op('Gather', [ws.table('embeddings.word_embeddings.weight', dims.vocab, h), inp.inputIds], { axis: 0 }); // [batch, seq, h]
  const positions = spec.architecture === 'bert'
    ? bertPositions(g, ws, c, inp.inputIds, inp.tokenTypeIds, h, dims.typeCount)
    : mpnetPositions(g, ws, c, inp.inputIds, h);
  let x = layerNorm(g, g.op('Add', [words, positions]), ...ws.norm('embeddings.LayerNorm', h), layerDims.eps); // [batch, seq, h]
  if (hooks.dropout) x = hooks.dropout(x, 'hidden');

  // Padding mask as an additive bias: 0 for real tokens, finfo.min for padding.
  const maskF = g.op('Cast', [inp.attentionMask], { to: 1 }); // [batch, seq] float
  const maskBias = g.op('Unsqueeze', [g.op('Mul', [g.op('Sub', [maskF, g.floats([1])]), g.floats([-MASKED])]), g.int64s([1, 2])]); // [batch, 1, 1, seq]
  const scoreBias = spec.architecture === 'mpnet'
    ? g.op('Add', [maskBias, mpnetRelativeBias(g, ws, c, inp.inputIds, heads)]) // [batch, heads, seq, seq]
    : maskBias;

  for (let i = 0; i < layers; i++) {
    x = transformerLayer(g, x, scoreBias, ws, encoderLayerNames(spec.architecture, i), layerDims, `encoder.layer.${i}`, source, hooks);
  }
  return { hidden: x, maskF };
}

/** BERT: absolute positions 0..seq-1 (+ token type embeddings). → [seq, h] or [batch, seq, h] */
function bertPositions(g: OnnxGraph, ws: EncoderWeightSource, c: Record<string, any>, inputIds: string, tokenTypeIds: string | undefined, h: number, typeCount: number): string {
  const maxPos: number = c.max_position_embeddings;
  const seqLen = g.op('Shape', [inputIds], { start: 1, end: 2 }); // [1]
  const rows = (table: string) => g.op('Slice', [table, g.int64s([0]), seqLen, g.int64s([0])]); // [seq, h]
  if (tokenTypeIds && typeCount > 0) {
    const typeRows = g.op('Gather', [ws.table('embeddings.token_type_embeddings.weight', typeCount, h), tokenTypeIds], { axis: 0 }); // [batch, seq, h]
    return g.op('Add', [typeRows, rows(ws.table('embeddings.position_embeddings.weight', maxPos, h))]);
  }
  if (ws.foldedPositions) return rows(ws.foldedPositions(maxPos, h));
  const pos = rows(ws.table('embeddings.position_embeddings.weight', maxPos, h));
  if (typeCount === 0) return pos;
  const type0 = g.op('Gather', [ws.table('embeddings.token_type_embeddings.weight', typeCount, h), g.int64s([0], [])], { axis: 0 }); // [h]
  return g.op('Add', [pos, type0]);
}

/** MPNet (like RoBERTa): position = padding_idx + 1 + index among non-padding tokens; padding keeps padding_idx. → [batch, seq, h] */
function mpnetPositions(g: OnnxGraph, ws: EncoderWeightSource, c: Record<string, any>, inputIds: string, h: number): string {
  const maxPos: number = c.max_position_embeddings;
  const padIdx: number = c.pad_token_id ?? 1;
  const table = ws.table('embeddings.position_embeddings.weight', maxPos, h);
  const notPad = g.op('Cast', [g.op('Not', [g.op('Equal', [inputIds, g.int64s([padIdx], [])])])], { to: 7 }); // [batch, seq] int64
  const cumulative = g.op('Mul', [g.op('CumSum', [notPad, g.int64s([1], [])]), notPad]); // [batch, seq]
  const positionIds = g.op('Add', [cumulative, g.int64s([padIdx], [])]);
  return g.op('Gather', [table, positionIds], { axis: 0 }); // [batch, seq, h]
}

/** MPNet's relative position bias, shared by all layers. → [1, heads, seq, seq] */
function mpnetRelativeBias(g: OnnxGraph, ws: EncoderWeightSource, c: Record<string, any>, inputIds: string, heads: number): string {
  const buckets: number = c.relative_attention_num_buckets ?? 32;
  const table = ws.table('encoder.relative_attention_bias.weight', buckets, heads);
  // The bucket of (query i, key j) depends only on i and j, so precompute it for every position pair.
  const maxLen: number = c.max_position_embeddings;
  // One table per graph (the fused training step builds a forward per text column in one graph).
  const bucketIds = g.has('relative_buckets') ? 'relative_buckets' : g.int64Tensor('relative_buckets', relativePositionBuckets(maxLen, buckets), [maxLen, maxLen]);
  const seqLen = g.op('Shape', [inputIds], { start: 1, end: 2 }); // [1]
  const ends = g.op('Concat', [seqLen, seqLen], { axis: 0 }); // [2]
  const ids = g.op('Slice', [bucketIds, g.int64s([0, 0]), ends, g.int64s([0, 1])]); // [seq, seq]
  const bias = g.op('Gather', [table, ids], { axis: 0 }); // [seq, seq, heads]
  return g.op('Unsqueeze', [g.op('Transpose', [bias], { perm: [2, 0, 1] }), g.int64s([0])]); // [1, heads, seq, seq]
}

/**
 * transformers' MPNetEncoder.relative_position_bucket for every (query i, key j) < size, computed
 * step by step in float32 (Math.fround) as PyTorch does, so rounding at bucket edges matches.
 */
export function relativePositionBuckets(size: number, numBuckets: number, maxDistance = 128): BigInt64Array {
  const half = Math.floor(numBuckets / 2);
  const maxExact = Math.floor(half / 2);
  const logRange = Math.fround(Math.log(maxDistance / maxExact));
  const out = new BigInt64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const n = i - j; // n = -(memory_position - context_position)
      let ret = n < 0 ? half : 0;
      const a = Math.abs(n);
      if (a < maxExact) ret += a;
      else {
        const ratio = Math.fround(Math.fround(Math.log(Math.fround(a / maxExact))) / logRange);
        const large = maxExact + Math.trunc(Math.fround(ratio * (half - maxExact)));
        ret += Math.min(large, half - 1);
      }
      out[i * size + j] = BigInt(ret);
    }
  }
  return out;
}
