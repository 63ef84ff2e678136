// Random T5 checkpoints of any size, built in code, for tests and benchmarks: every tensor a real
// checkpoint has (HF names and shapes), values uniform with variance 1/fan_in (embeddings: variance 1),
// from a seeded generator so that a test sees the same model every run.
import type { Weights } from '../folder.js';
import { parseT5Config } from './config.js';
import { mulberry32 } from '../../app/mulberry32.js';

export interface T5Sizes {
  d_model: number;
  d_kv: number;
  d_ff: number;
  num_heads: number;
  num_layers: number;
  num_decoder_layers?: number;
  vocab_size: number;
  /** "relu" (v1.0, tied LM head) or "gated-gelu" (v1.1/flan, untied lm_head). */
  feed_forward_proj: 'relu' | 'gated-gelu';
}

/** config.json contents for a T5 of these sizes, as transformers writes them. */
export function t5ConfigJson(s: T5Sizes): Record<string, any> {
  const v11 = s.feed_forward_proj === 'gated-gelu';
  return {
    architectures: ['T5ForConditionalGeneration'],
    model_type: 't5',
    ...s,
    num_decoder_layers: s.num_decoder_layers ?? s.num_layers,
    dense_act_fn: v11 ? 'gelu_new' : 'relu',
    is_gated_act: v11,
    tie_word_embeddings: !v11,
    relative_attention_num_buckets: 32,
    relative_attention_max_distance: 128,
    layer_norm_epsilon: 1e-6,
    decoder_start_token_id: 0,
    pad_token_id: 0,
    eos_token_id: 1,
    is_encoder_decoder: true,
  };
}


/** Every tensor of a T5ForConditionalGeneration checkpoint with the given config.json. */
export function randomT5Weights(configJson: Record<string, any>, seed = 1): Weights {
  const c = parseT5Config(configJson);
  const rand = mulberry32(seed);
  const w: Weights = new Map();
  const add = (name: string, shape: number[], std: number) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const half = std * Math.sqrt(3); // uniform(-h, h) has std h/√3
    for (let i = 0; i < data.length; i++) data[i] = (rand() * 2 - 1) * half;
    w.set(name, { shape, data });
  };
  const ones = (name: string, size: number) => w.set(name, { shape: [size], data: new Float32Array(size).fill(1) });
  const inner = c.heads * c.dKv;
  const linear = (name: string, out: number, inp: number) => add(name, [out, inp], 1 / Math.sqrt(inp));
  const attention = (p: string, withBias: boolean) => {
    for (const x of ['q', 'k', 'v']) linear(`${p}.${x}.weight`, inner, c.dModel);
    linear(`${p}.o.weight`, c.dModel, inner);
    if (withBias) add(`${p}.relative_attention_bias.weight`, [c.buckets, c.heads], 0.5);
  };
  const ffn = (p: string) => {
    if (c.gated) {
      linear(`${p}.DenseReluDense.wi_0.weight`, c.dFf, c.dModel);
      linear(`${p}.DenseReluDense.wi_1.weight`, c.dFf, c.dModel);
    } else linear(`${p}.DenseReluDense.wi.weight`, c.dFf, c.dModel);
    linear(`${p}.DenseReluDense.wo.weight`, c.dModel, c.dFf);
    ones(`${p}.layer_norm.weight`, c.dModel);
  };
  add('shared.weight', [c.vocab, c.dModel], 1);
  for (let i = 0; i < c.encoderLayers; i++) {
    attention(`encoder.block.${i}.layer.0.SelfAttention`, i === 0);
    ones(`encoder.block.${i}.layer.0.layer_norm.weight`, c.dModel);
    ffn(`encoder.block.${i}.layer.1`);
  }
  ones('encoder.final_layer_norm.weight', c.dModel);
  for (let i = 0; i < c.decoderLayers; i++) {
    attention(`decoder.block.${i}.layer.0.SelfAttention`, i === 0);
    ones(`decoder.block.${i}.layer.0.layer_norm.weight`, c.dModel);
    attention(`decoder.block.${i}.layer.1.EncDecAttention`, false);
    ones(`decoder.block.${i}.layer.1.layer_norm.weight`, c.dModel);
    ffn(`decoder.block.${i}.layer.2`);
  }
  ones('decoder.final_layer_norm.weight', c.dModel);
  if (!c.tiedLmHead) linear('lm_head.weight', c.vocab, c.dModel);
  return w;
}
