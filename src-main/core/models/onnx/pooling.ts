// sentence-transformers' Pooling (+ Normalize) module as ONNX ops, appended to an encoder graph so
// that a session returns sentence embeddings directly ([batch, hidden] instead of [batch, seq, hidden]).
import type { PoolingMode } from '../folder.js';
import type { OnnxGraph } from './graph.js';

/**
 * hidden: [batch, seq, h]; maskF: float attention mask [batch, seq]. Writes the value `outputName`
 * ([batch, h]) and returns it.
 */
export function poolInGraph(g: OnnxGraph, hidden: string, maskF: string, mode: PoolingMode, normalize: boolean, outputName: string): string {
  let pooled: string;
  if (mode === 'cls') {
    pooled = g.op('Gather', [hidden, g.int64s([0], [])], { axis: 1 }); // [batch, h]
  } else if (mode === 'max') {
    // Padding set to -1e9 before the max, as sentence-transformers does.
    const keep = g.op('Cast', [g.op('Unsqueeze', [maskF, g.int64s([2])])], { to: 9 }); // [batch, seq, 1] bool
    pooled = g.op('ReduceMax', [g.op('Where', [keep, hidden, g.floats([-1e9])])], { axes: [1], keepdims: 0 }); // [batch, h]
  } else {
    // Σ mask·hidden over seq as one batched MatMul: [batch, 1, seq] @ [batch, seq, h] → [batch, 1, h]
    const summed = g.op('Squeeze', [g.op('MatMul', [g.op('Unsqueeze', [maskF, g.int64s([1])]), hidden]), g.int64s([1])]); // [batch, h]
    const count = g.op('Max', [g.op('ReduceSum', [maskF, g.int64s([1])], { keepdims: 1 }), g.floats([1e-9])]); // [batch, 1]
    pooled = g.op('Div', [summed, mode === 'mean_sqrt_len' ? g.op('Sqrt', [count]) : count]);
  }
  if (!normalize) return g.op('Identity', [pooled], {}, { name: outputName });
  // torch.nn.functional.normalize: x / max(‖x‖₂, 1e-12)
  const norm = g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [pooled, pooled]), g.int64s([1])], { keepdims: 1 })]); // [batch, 1]
  return g.op('Div', [pooled, g.op('Max', [norm, g.floats([1e-12])])], {}, { name: outputName });
}
