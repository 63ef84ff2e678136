// Row-wise L2 normalisation as ONNX ops with its closed-form backward, the graph twin of
// normalize.ts (torch.nn.functional.normalize(x, p=2, dim=1)):
//   y = x / max(‖x‖, 1e-12);   dx = (dy − y·(dy·y)) / max(‖x‖, 1e-12)
import type { OnnxGraph } from '../../models/onnx/graph.js';

export interface GraphNormalized {
  /** [rows, H] */
  y: string;
  /** dx for dy ([rows, H] each). */
  backward(dy: string): string;
}

export function normalizeRowsInGraph(g: OnnxGraph, x: string): GraphNormalized {
  const axis1 = g.int64s([1]);
  const norm = g.op('Max', [g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [x, x]), axis1], { keepdims: 1 })]), g.floats([1e-12])]); // [rows, 1]
  const y = g.op('Div', [x, norm]); // [rows, H]
  return {
    y,
    backward: (dy) => {
      const along = g.op('ReduceSum', [g.op('Mul', [dy, y]), axis1], { keepdims: 1 }); // [rows, 1]
      return g.op('Div', [g.op('Sub', [dy, g.op('Mul', [y, along])]), norm]); // [rows, H]
    },
  };
}
