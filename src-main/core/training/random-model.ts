// A random-weight BERT sentence-transformers folder of any size (for memory/speed benches and the
// base-size training test): config.json with the given sizes, normal(0, 0.02) weights, LayerNorm
// at (1, 0), mean pooling, and tiny-bert's tokenizer files (its ids stay below 4096, valid for any
// vocabulary at least that large).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../app/mulberry32.js';
import { writeSafetensors, type TensorToWrite } from '../models/safetensors.js';
import { encoderConfigFromHf, parameterShapes } from './model.js';

export interface RandomBertSize {
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  vocab: number;
  maxPositions: number;
}

export const MINILM_L6: RandomBertSize = { hidden: 384, layers: 6, heads: 12, intermediate: 1536, vocab: 30522, maxPositions: 512 };
export const BERT_BASE: RandomBertSize = { hidden: 768, layers: 12, heads: 12, intermediate: 3072, vocab: 30522, maxPositions: 512 };

/** Writes the folder; `tokenizerFrom` is a folder with tokenizer.json and tokenizer_config.json (tiny-bert). */
export function writeRandomBert(dir: string, size: RandomBertSize, tokenizerFrom: string, seed = 1): void {
  mkdirSync(join(dir, '1_Pooling'), { recursive: true });
  const config = {
    architectures: ['BertModel'], model_type: 'bert', hidden_act: 'gelu', hidden_size: size.hidden, num_hidden_layers: size.layers,
    num_attention_heads: size.heads, intermediate_size: size.intermediate, vocab_size: size.vocab, max_position_embeddings: size.maxPositions,
    type_vocab_size: 2, layer_norm_eps: 1e-12, hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1, pad_token_id: 0,
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 1));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(tokenizerFrom, f), join(dir, f));
  writeFileSync(join(dir, 'modules.json'), JSON.stringify([{ idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' }, { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' }]));
  writeFileSync(join(dir, '1_Pooling', 'config.json'), JSON.stringify({ word_embedding_dimension: size.hidden, pooling_mode_mean_tokens: true }));
  writeFileSync(join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: size.maxPositions, do_lower_case: false }));
  const rand = mulberry32(seed);
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, shape] of parameterShapes(encoderConfigFromHf(config, 'bert'))) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (name.includes('LayerNorm')) data.fill(name.endsWith('weight') ? 1 : 0);
    else if (!name.endsWith('.bias')) for (let i = 0; i < data.length; i += 2) {
      // Box–Muller: two normal draws per pair of uniforms.
      const r = Math.sqrt(-2 * Math.log(1 - rand())) * 0.02;
      const t = 2 * Math.PI * rand();
      data[i] = r * Math.cos(t);
      if (i + 1 < data.length) data[i + 1] = r * Math.sin(t);
    }
    tensors[name] = { shape, data };
  }
  writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
}
