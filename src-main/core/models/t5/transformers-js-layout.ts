// Writes a T5 checkpoint in the layout @huggingface/transformers (transformers.js) loads:
// config.json + onnx/encoder_model.onnx + onnx/decoder_model_merged.onnx, the merged decoder being
// Optimum's design: past_key_values.{i}.{decoder,encoder}.{key,value} inputs, present.* outputs and a
// boolean `use_cache_branch` whose If node either reuses the cross-attention K/V from the cache or
// computes them from encoder_hidden_states (first step). Used to run transformers.js on exactly our
// weights (the greedy benchmark), and by anything that needs to hand a checkpoint to it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Weights } from '../folder.js';
import { OnnxGraph } from '../onnx/graph.js';
import { parseT5Config, type T5Config } from './config.js';
import { crossKv, decoderStack, embed, lmHead, SELF, stepSelfBias } from './decoder-graphs.js';
import { buildT5EncoderGraph } from './encoder-graph.js';
import { attend, maskBias, type Ctx } from './layers.js';

const pkv = (i: number, part: 'decoder' | 'encoder', kv: 'key' | 'value') => `past_key_values.${i}.${part}.${kv}`;
const present = (i: number, part: 'decoder' | 'encoder', kv: 'key' | 'value') => `present.${i}.${part}.${kv}`;

/** The merged decoder: one step with use_cache_branch, or the first step (empty caches) without it. */
export function buildT5MergedDecoderGraph(c: T5Config, w: Weights, source = 'weights'): Uint8Array {
  const g = new OnnxGraph('t5-decoder-merged');
  const ctx: Ctx = { g, w, c, source };
  // transformers.js sizes the empty first-step caches from these dim names: batch_size → the batch, others → 0.
  const encMask = g.input('encoder_attention_mask', 'int64', ['batch_size', 'encoder_sequence_length']);
  const ids = g.input('input_ids', 'int64', ['batch_size', 1]);
  const enc = g.input('encoder_hidden_states', 'float32', ['batch_size', 'encoder_sequence_length', c.dModel]);
  for (let i = 0; i < c.decoderLayers; i++) {
    for (const kv of ['key', 'value'] as const) g.input(pkv(i, 'decoder', kv), 'float32', ['batch_size', c.heads, 'past_decoder_sequence_length', c.dKv]);
    for (const kv of ['key', 'value'] as const) g.input(pkv(i, 'encoder', kv), 'float32', ['batch_size', c.heads, 'encoder_sequence_length_out', c.dKv]);
  }
  const useCache = g.input('use_cache_branch', 'bool', [1]);

  // then: the cached cross K/V as they are; else: computed once from the encoder output.
  const thenBranch = new OnnxGraph('use_cache', { outer: g });
  const elseBranch = new OnnxGraph('compute_cross_kv', { outer: g });
  const elseCtx: Ctx = { ...ctx, g: elseBranch };
  const dims = ['batch_size', c.heads, 'encoder_sequence_length_out', c.dKv];
  for (let i = 0; i < c.decoderLayers; i++) {
    const [k, v] = crossKv(elseCtx, enc, i);
    for (const [kv, value] of [['key', k], ['value', v]] as const) {
      thenBranch.output(thenBranch.op('Identity', [pkv(i, 'encoder', kv)], {}, { name: `use_cache/${i}.${kv}` }), 'float32', dims);
      elseBranch.output(elseBranch.op('Identity', [value], {}, { name: `compute_cross_kv/${i}.${kv}` }), 'float32', dims);
    }
  }
  const cross = g.opMulti('If', [g.op('Squeeze', [useCache, g.int64s([0])])], 2 * c.decoderLayers, { then_branch: { graph: thenBranch }, else_branch: { graph: elseBranch } }, { name: 'cross_kv' });
  const crossPairs: Array<[string, string]> = [];
  for (let i = 0; i < c.decoderLayers; i++) {
    crossPairs.push([g.op('Identity', [cross[2 * i]], {}, { name: present(i, 'encoder', 'key') }), g.op('Identity', [cross[2 * i + 1]], {}, { name: present(i, 'encoder', 'value') })]);
  }

  const selfBias = stepSelfBias(ctx, pkv(0, 'decoder', 'key'));
  const x = decoderStack(ctx, embed(ctx, ids), maskBias(g, encMask), crossPairs, (i, q, k, v) => {
    const key = g.op('Concat', [pkv(i, 'decoder', 'key'), k], { axis: 2 }, { name: present(i, 'decoder', 'key') });
    const value = g.op('Concat', [pkv(i, 'decoder', 'value'), v], { axis: 2 }, { name: present(i, 'decoder', 'value') });
    return attend(ctx, q, key, value, selfBias, SELF(i));
  });
  lmHead(ctx, x, ['batch_size', 1, c.vocab]);
  for (let i = 0; i < c.decoderLayers; i++) {
    for (const kv of ['key', 'value'] as const) g.output(present(i, 'decoder', kv), 'float32', ['batch_size', c.heads, 'past_decoder_sequence_length + 1', c.dKv]);
    for (const kv of ['key', 'value'] as const) g.output(present(i, 'encoder', kv), 'float32', dims);
  }
  return g.toBytes({ docString: 't5 merged decoder (transformers.js / Optimum layout) built by genq-workbench' });
}

/** Writes config.json, generation_config.json and the two ONNX files into dir (created if needed). */
export function writeTransformersJsT5(dir: string, configJson: Record<string, any>, weights: Weights): void {
  const c = parseT5Config(configJson);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...configJson, use_cache: true }, null, 2));
  writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ decoder_start_token_id: c.decoderStartId, eos_token_id: c.eosId, pad_token_id: c.padId }, null, 2));
  writeFileSync(join(dir, 'onnx', 'encoder_model.onnx'), buildT5EncoderGraph(c, weights));
  writeFileSync(join(dir, 'onnx', 'decoder_model_merged.onnx'), buildT5MergedDecoderGraph(c, weights));
}
