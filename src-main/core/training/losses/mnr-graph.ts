// MultipleNegativesRankingLoss as ONNX ops (the fused training step): the same loss and closed-form
// gradient as mnr.ts, in float32. Columns (anchor, positive[, negative…]) are [B, H] values.
//   Â = normalize(anchor) [B, H];  Ĉ = normalize([P; N₁; …]) [kB, H]
//   S = scale · Â Ĉᵀ [B, kB];  loss = mean_i (logsumexp_j S_ij − S_ii)
//   dS = (softmax(S) − onehot(i)) / B;  dÂ = scale · dS Ĉ;  dĈ = scale · dSᵀ Â
// Symmetric: the positive→anchor direction on the [B, B] block, the two losses and dS averaged.
import type { OnnxGraph } from '../../models/onnx/graph.js';
import { checkColumns, type LossGraph } from './loss.js';
import { normalizeRowsInGraph } from './normalize-graph.js';

/** Mean cross-entropy of the rows of `logits` ([B, K]) against target column i, and dLoss/dLogits [B, K]. */
function crossEntropyDiagonal(g: OnnxGraph, logits: string): { loss: string; d: string } {
  const axis1 = g.int64s([1]);
  const onehot = g.op('EyeLike', [logits]); // [B, K]: 1 where j = i
  const max = g.op('ReduceMax', [logits], { axes: [1], keepdims: 1 }); // [B, 1]
  const lse = g.op('Add', [max, g.op('Log', [g.op('ReduceSum', [g.op('Exp', [g.op('Sub', [logits, max])]), axis1], { keepdims: 1 })])]); // [B, 1]
  const target = g.op('ReduceSum', [g.op('Mul', [logits, onehot]), axis1], { keepdims: 1 }); // [B, 1]: S_ii
  const loss = g.op('ReduceMean', [g.op('Sub', [lse, target])], { keepdims: 0 }); // scalar
  const rows = g.op('Cast', [g.op('Shape', [logits], { start: 0, end: 1 })], { to: 1 }); // [1]: B
  const d = g.op('Div', [g.op('Sub', [g.op('Softmax', [logits], { axis: 1 }), onehot]), rows]); // [B, K]
  return { loss, d };
}

export function mnrLossGraph(opts: { scale: number; symmetric: boolean }): LossGraph {
  return {
    labelDims: (columns, batch) => {
      checkColumns('MultipleNegativesRankingLoss', Array.from({ length: columns }, () => new Float32Array(batch)), batch, 1, { min: 2, max: 64 });
      return null;
    },
    build: (g, emb) => {
      const k = emb.length - 1;
      const scale = g.floats([opts.scale]);
      const anchors = normalizeRowsInGraph(g, emb[0]); // [B, H]
      const cand = normalizeRowsInGraph(g, k === 1 ? emb[1] : g.op('Concat', emb.slice(1), { axis: 0 })); // [kB, H]
      const S = g.op('Mul', [g.op('MatMul', [anchors.y, g.op('Transpose', [cand.y], { perm: [1, 0] })]), scale]); // [B, kB]
      const fwd = crossEntropyDiagonal(g, S);
      let loss = fwd.loss;
      let dS = fwd.d; // [B, kB]
      if (opts.symmetric) {
        const half = g.floats([0.5]);
        // Positive j → anchors: the logits S[:, j] over i ([B, B] block, transposed), target i = j.
        const block = k === 1 ? S : g.op('Slice', [S, g.int64s([0]), g.op('Shape', [emb[0]], { start: 0, end: 1 }), g.int64s([1])]); // [B, B]
        const back = crossEntropyDiagonal(g, g.op('Transpose', [block], { perm: [1, 0] }));
        loss = g.op('Mul', [g.op('Add', [fwd.loss, back.loss]), half]);
        const backT = g.op('Transpose', [back.d], { perm: [1, 0] }); // [B, B], indexed [i, j]
        if (k === 1) dS = g.op('Mul', [g.op('Add', [fwd.d, backT]), half]);
        else {
          const B = g.op('Shape', [emb[0]], { start: 0, end: 1 }); // [1]
          const first = g.op('Slice', [fwd.d, g.int64s([0]), B, g.int64s([1])]); // [B, B]
          const rest = g.op('Slice', [fwd.d, B, g.int64s([Number.MAX_SAFE_INTEGER]), g.int64s([1])]); // [B, (k−1)B]
          dS = g.op('Mul', [g.op('Concat', [g.op('Add', [first, backT]), rest], { axis: 1 }), half]);
        }
      }
      const dA = g.op('Mul', [g.op('MatMul', [dS, cand.y]), scale]); // [B, H]
      const dC = cand.backward(g.op('Mul', [g.op('MatMul', [g.op('Transpose', [dS], { perm: [1, 0] }), anchors.y]), scale])); // [kB, H]
      const dCols = k === 1 ? [dC] : g.opMulti('Split', [dC], k, { axis: 0 }); // k × [B, H] (equal parts)
      return { loss, dEmb: [anchors.backward(dA), ...dCols] };
    },
  };
}
