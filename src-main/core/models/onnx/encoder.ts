// ONNX graphs for BERT-family (BERT, MiniLM, BGE) and MPNet encoders, built from config.json +
// safetensors weights. Inputs: input_ids, attention_mask (int64 [batch, seq]) and, optionally,
// token_type_ids. Outputs: last_hidden_state [batch, seq, hidden] and, when a pooling mode is given,
// sentence_embedding [batch, hidden] (pooling + Normalize fused into the graph, as sentence-transformers
// computes them).
import type { PoolingMode, Weights } from '../folder.js';
import { OnnxGraph } from './graph.js';
import { GraphWeightError, layerNorm, need, norm, transformerLayer, type LayerNames } from './layers.js';
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
  const c = spec.config;
  const source = opts.source ?? 'weights';
  const h: number = c.hidden_size;
  const heads: number = c.num_attention_heads;
  const layers: number = c.num_hidden_layers;
  if (!(h > 0 && heads > 0 && layers > 0 && h % heads === 0)) {
    throw new GraphWeightError(`config.json: hidden_size ${h}, num_attention_heads ${heads}, num_hidden_layers ${layers} do not describe an encoder`);
  }
  const vocab: number = weights.get('embeddings.word_embeddings.weight')?.shape[0] ?? c.vocab_size;
  const dims = { hidden: h, heads, ffn: c.intermediate_size as number, eps: (c.layer_norm_eps as number) ?? 1e-12, act: (c.hidden_act as string) ?? 'gelu' };

  const g = new OnnxGraph(`${spec.architecture}-encoder`);
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const tokenTypeIds = opts.tokenTypes ? g.input('token_type_ids', 'int64', ['batch', 'seq']) : undefined;

  const wordTable = g.weight('word_embeddings', need(weights, 'embeddings.word_embeddings.weight', [vocab, h], source), [vocab, h]);
  const words = g.op('Gather', [wordTable, inputIds], { axis: 0 }); // [batch, seq, h]
  const positions = spec.architecture === 'bert'
    ? bertPositions(g, weights, c, inputIds, tokenTypeIds, h, source)
    : mpnetPositions(g, weights, c, inputIds, h, source);
  let x = layerNorm(g, g.op('Add', [words, positions]), ...norm(g, weights, 'embeddings.LayerNorm', h, source), dims.eps); // [batch, seq, h]

  // Padding mask as an additive bias: 0 for real tokens, finfo.min for padding.
  const maskF = g.op('Cast', [attentionMask], { to: 1 }); // [batch, seq] float
  const maskBias = g.op('Unsqueeze', [g.op('Mul', [g.op('Sub', [maskF, g.floats([1])]), g.floats([-MASKED])]), g.int64s([1, 2])]); // [batch, 1, 1, seq]
  const scoreBias = spec.architecture === 'mpnet'
    ? g.op('Add', [maskBias, mpnetRelativeBias(g, weights, c, inputIds, heads, source)]) // [batch, heads, seq, seq]
    : maskBias;

  for (let i = 0; i < layers; i++) {
    const p = `encoder.layer.${i}`;
    const names: LayerNames = spec.architecture === 'bert'
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
    x = transformerLayer(g, x, scoreBias, weights, names, dims, p, source);
  }
  const hidden = g.op('Identity', [x], {}, { name: 'last_hidden_state' });
  g.output(hidden, 'float32', ['batch', 'seq', h]);
  if (opts.pooling) {
    poolInGraph(g, hidden, maskF, opts.pooling, opts.normalize ?? false, 'sentence_embedding');
    g.output('sentence_embedding', 'float32', ['batch', h]);
  }
  opts.head?.(g, hidden);
  return g.toBytes({ docString: `${spec.architecture} encoder built by genq-workbench` });
}

/** BERT: absolute positions 0..seq-1 (+ token type embeddings). → [seq, h] or [batch, seq, h] */
function bertPositions(g: OnnxGraph, w: Weights, c: Record<string, any>, inputIds: string, tokenTypeIds: string | undefined, h: number, source: string): string {
  const maxPos: number = c.max_position_embeddings;
  const pos = need(w, 'embeddings.position_embeddings.weight', [maxPos, h], source);
  const typeCount: number = w.get('embeddings.token_type_embeddings.weight')?.shape[0] ?? 0;
  const types = typeCount > 0 ? need(w, 'embeddings.token_type_embeddings.weight', [typeCount, h], source) : undefined;
  const seqLen = g.op('Shape', [inputIds], { start: 1, end: 2 }); // [1]
  if (tokenTypeIds && types) {
    const posRows = g.op('Slice', [g.weight('position_embeddings', pos, [maxPos, h]), g.int64s([0]), seqLen, g.int64s([0])]); // [seq, h]
    const typeRows = g.op('Gather', [g.weight('token_type_embeddings', types, [typeCount, h]), tokenTypeIds], { axis: 0 }); // [batch, seq, h]
    return g.op('Add', [typeRows, posRows]);
  }
  // Every bi-encoder input has token type 0, so fold that row into the position table once.
  const folded = new Float32Array(pos);
  if (types) for (let r = 0; r < maxPos; r++) for (let j = 0; j < h; j++) folded[r * h + j] += types[j];
  return g.op('Slice', [g.weight('position_embeddings', folded, [maxPos, h]), g.int64s([0]), seqLen, g.int64s([0])]); // [seq, h]
}

/** MPNet (like RoBERTa): position = padding_idx + 1 + index among non-padding tokens; padding keeps padding_idx. → [batch, seq, h] */
function mpnetPositions(g: OnnxGraph, w: Weights, c: Record<string, any>, inputIds: string, h: number, source: string): string {
  const maxPos: number = c.max_position_embeddings;
  const padIdx: number = c.pad_token_id ?? 1;
  const table = g.weight('position_embeddings', need(w, 'embeddings.position_embeddings.weight', [maxPos, h], source), [maxPos, h]);
  const notPad = g.op('Cast', [g.op('Not', [g.op('Equal', [inputIds, g.int64s([padIdx], [])])])], { to: 7 }); // [batch, seq] int64
  const cumulative = g.op('Mul', [g.op('CumSum', [notPad, g.int64s([1], [])]), notPad]); // [batch, seq]
  const positionIds = g.op('Add', [cumulative, g.int64s([padIdx], [])]);
  return g.op('Gather', [table, positionIds], { axis: 0 }); // [batch, seq, h]
}

/** MPNet's relative position bias, shared by all layers. → [1, heads, seq, seq] */
function mpnetRelativeBias(g: OnnxGraph, w: Weights, c: Record<string, any>, inputIds: string, heads: number, source: string): string {
  const buckets: number = c.relative_attention_num_buckets ?? 32;
  const table = g.weight('relative_attention_bias', need(w, 'encoder.relative_attention_bias.weight', [buckets, heads], source), [buckets, heads]);
  // The bucket of (query i, key j) depends only on i and j, so precompute it for every position pair.
  const maxLen: number = c.max_position_embeddings;
  const bucketIds = g.int64Tensor('relative_buckets', relativePositionBuckets(maxLen, buckets), [maxLen, maxLen]);
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
