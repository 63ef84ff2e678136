// The T5 encoder as an ONNX graph: input_ids, attention_mask (int64 [batch, seq]) →
// last_hidden_state [batch, seq, d_model]. Pre-norm blocks (RMS norm → sublayer → residual), a
// bidirectional relative position bias computed once from layer 0's table and shared by all layers.
import { OnnxGraph } from '../onnx/graph.js';
import type { Weights } from '../folder.js';
import { embeddingTable, type T5Config } from './config.js';
import { attend, biasByPosition, clip, feedForward, fusedQkv, gatherBias, maskBias, range, relativePositions, rmsNorm, type Ctx } from './layers.js';

export function buildT5EncoderGraph(c: T5Config, w: Weights, source = 'weights'): Uint8Array {
  const g = new OnnxGraph('t5-encoder');
  const ctx: Ctx = { g, w, c, source };
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);

  const table = g.weight('shared', embeddingTable(w, c, source), [c.vocab, c.dModel]);
  let x = g.op('Gather', [table, inputIds], { axis: 0 }); // [batch, seq, d]

  // Position bias [1, heads, seq, seq] + padding bias [batch, 1, 1, seq], as transformers adds them.
  const positions = range(g, g.op('Shape', [inputIds], { start: 1, end: 2 })); // [seq]
  const { table: biasTable, rows } = biasByPosition(ctx, 'encoder.block.0.layer.0.SelfAttention', true);
  const D = (rows - 1) / 2;
  const index = g.op('Add', [clip(g, relativePositions(g, positions, positions), -D, D), g.int64s([D], [])]); // [seq, seq]
  const bias = g.op('Add', [gatherBias(g, biasTable, index), maskBias(g, attentionMask)]); // [batch, heads, seq, seq]

  for (let i = 0; i < c.encoderLayers; i++) {
    const p = `encoder.block.${i}`;
    const [q, k, v] = fusedQkv(ctx, rmsNorm(ctx, x, `${p}.layer.0.layer_norm`), `${p}.layer.0.SelfAttention`);
    x = g.op('Add', [x, attend(ctx, q, k, v, bias, `${p}.layer.0.SelfAttention`)]);
    x = g.op('Add', [x, feedForward(ctx, rmsNorm(ctx, x, `${p}.layer.1.layer_norm`), `${p}.layer.1`)]);
  }
  const hidden = g.op('Identity', [rmsNorm(ctx, x, 'encoder.final_layer_norm')], {}, { name: 'last_hidden_state' });
  g.output(hidden, 'float32', ['batch', 'seq', c.dModel]);
  return g.toBytes({ docString: 't5 encoder built by genq-workbench' });
}
