// What a T5 checkpoint's config.json and tensor names mean for the graphs: sizes, the FFN variant
// (v1.0 ReLU vs v1.1/flan gated-GELU), whether the LM head is tied to the embeddings (and so rescaled
// by d_model^-0.5), relative-attention settings and the special token ids used by decoding.
import type { Weights } from '../folder.js';
import { GraphWeightError, need } from '../onnx/layers.js';

export interface T5Config {
  dModel: number;
  dKv: number;
  dFf: number;
  heads: number;
  encoderLayers: number;
  decoderLayers: number;
  vocab: number;
  eps: number;
  /** gated: act(wi_0·x) ⊙ (wi_1·x); otherwise act(wi·x). */
  gated: boolean;
  /** transformers' ACT2FN name: "relu" for v1.0, "gelu_new" for gated-gelu. */
  act: string;
  tiedLmHead: boolean;
  /** Multiply the decoder output by d_model^-0.5 before the LM head (v1.0 with tied embeddings). */
  scaleDecoderOutput: boolean;
  buckets: number;
  maxDistance: number;
  decoderStartId: number;
  eosId: number;
  padId: number;
}

export class T5ConfigError extends Error {
  override name = 'T5ConfigError';
}

/** Reads config.json the way transformers' T5Config does (feed_forward_proj → dense_act_fn, is_gated_act). */
export function parseT5Config(c: Record<string, any>, source = 'config.json'): T5Config {
  const num = (key: string, fallback?: number): number => {
    const v = c[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new T5ConfigError(`${source}: "${key}" is missing or not a number`);
    return v;
  };
  const proj = String(c.feed_forward_proj ?? 'relu');
  const parts = proj.split('-');
  const gated = parts[0] === 'gated';
  if (parts.length > 2 || (parts.length === 2 && !gated)) {
    throw new T5ConfigError(`${source}: feed_forward_proj "${proj}" is not "{ACT}" or "gated-{ACT}"`);
  }
  // As transformers' T5Config: the activation comes from feed_forward_proj (a saved dense_act_fn is
  // overwritten), and "gated-gelu" means the tanh approximation (gelu_new), kept for compatibility.
  const act = proj === 'gated-gelu' ? 'gelu_new' : parts[parts.length - 1];
  const tied = c.tie_word_embeddings ?? true;
  const eos = Array.isArray(c.eos_token_id) ? c.eos_token_id[0] : c.eos_token_id;
  const cfg: T5Config = {
    dModel: num('d_model'),
    dKv: num('d_kv'),
    dFf: num('d_ff'),
    heads: num('num_heads'),
    encoderLayers: num('num_layers'),
    decoderLayers: num('num_decoder_layers', c.num_layers),
    vocab: num('vocab_size'),
    eps: num('layer_norm_epsilon', 1e-6),
    gated,
    act,
    tiedLmHead: Boolean(tied),
    scaleDecoderOutput: Boolean(c.scale_decoder_outputs ?? tied),
    buckets: num('relative_attention_num_buckets', 32),
    maxDistance: num('relative_attention_max_distance', 128),
    decoderStartId: num('decoder_start_token_id', c.pad_token_id ?? 0),
    eosId: typeof eos === 'number' ? eos : 1,
    padId: num('pad_token_id', 0),
  };
  if (cfg.dModel <= 0 || cfg.dKv <= 0 || cfg.heads <= 0 || cfg.encoderLayers <= 0 || cfg.decoderLayers <= 0) {
    throw new T5ConfigError(`${source}: d_model ${cfg.dModel}, d_kv ${cfg.dKv}, num_heads ${cfg.heads}, layers ${cfg.encoderLayers}+${cfg.decoderLayers} do not describe a T5 model`);
  }
  return cfg;
}

/** Inner attention width: heads × d_kv (need not equal d_model, e.g. t5-v1_1-xl). */
export const innerDim = (c: T5Config): number => c.heads * c.dKv;

/**
 * The input embedding table [vocab, d_model]. Checkpoints store it as `shared.weight`, and sometimes
 * (or only) as `encoder.embed_tokens.weight` / `decoder.embed_tokens.weight`, which are the same tensor.
 */
export function embeddingTable(w: Weights, c: T5Config, source: string): Float32Array {
  const name = ['shared.weight', 'encoder.embed_tokens.weight', 'decoder.embed_tokens.weight'].find((n) => w.has(n));
  if (!name) throw new GraphWeightError(`${source}: no embedding table (shared.weight, encoder.embed_tokens.weight or decoder.embed_tokens.weight)`);
  return need(w, name, [embeddingRows(w, c, source), c.dModel], source);
}

/** Rows of the embedding table; checkpoints may pad vocab_size beyond the tokenizer (t5: 32128). */
function embeddingRows(w: Weights, c: T5Config, source: string): number {
  const t = w.get('shared.weight') ?? w.get('encoder.embed_tokens.weight') ?? w.get('decoder.embed_tokens.weight');
  if (!t) throw new GraphWeightError(`${source}: no embedding table`);
  if (t.shape[0] !== c.vocab) throw new GraphWeightError(`${source}: embedding table has ${t.shape[0]} rows, config vocab_size is ${c.vocab}`);
  return t.shape[0];
}

/** The LM head [vocab, d_model]: the embedding table when tied (v1.0), `lm_head.weight` otherwise (v1.1/flan). */
export function lmHeadWeight(w: Weights, c: T5Config, source: string): Float32Array {
  if (c.tiedLmHead) return embeddingTable(w, c, source);
  if (!w.has('lm_head.weight')) throw new GraphWeightError(`${source}: tie_word_embeddings is false but tensor "lm_head.weight" is missing`);
  return need(w, 'lm_head.weight', [c.vocab, c.dModel], source);
}
