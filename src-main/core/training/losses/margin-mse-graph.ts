// MarginMSELoss as ONNX ops (the fused training step): the same loss and closed-form gradient as
// margin-mse.ts, in float32. Columns (query, positive, negative₁…ₙ) are [B, H] values; labels the
// teacher margins [B, n].
//   dₖ = s(q, p) − s(q, nₖ) [B, 1] each;  loss = mean((d − m)²) over the B·n entries
//   g = 2(d − m) / (B·n);  dq = (Σₖ gₖ) p − Σₖ gₖ nₖ;  dp = (Σₖ gₖ) q;  dnₖ = −gₖ q
// (cosine: the same on normalised rows, then through the normalisation).
import { checkColumns, LossInputError, type LossGraph } from './loss.js';
import type { MarginScore } from './margin-mse.js';
import { normalizeRowsInGraph, type GraphNormalized } from './normalize-graph.js';

export function marginMseLossGraph(score: MarginScore): LossGraph {
  return {
    labelDims: (columns, batch, labels) => {
      checkColumns('MarginMSELoss', Array.from({ length: columns }, () => new Float32Array(batch)), batch, 1, { min: 3, max: 66 });
      const n = columns - 2;
      if (!labels || labels.length !== batch * n) {
        throw new LossInputError(`MarginMSELoss: expected labels of shape [${batch}${n === 1 ? '' : `, ${n}`}] (one teacher margin per query${n === 1 ? '' : ' and negative'}), got ${labels ? `${labels.length} values` : 'none'}`);
      }
      return [batch, n];
    },
    build: (g, emb, labels) => {
      if (!labels) throw new LossInputError('MarginMSELoss: the graph form needs the labels input');
      const n = emb.length - 2;
      const axis1 = g.int64s([1]);
      const norms: GraphNormalized[] | null = score === 'cosine' ? emb.map((e) => normalizeRowsInGraph(g, e)) : null;
      const v = norms ? norms.map((x) => x.y) : emb; // the vectors the score is a dot product of
      const [q, p] = v;
      const negs = v.slice(2);
      const dotRows = (a: string, b: string) => g.op('ReduceSum', [g.op('Mul', [a, b]), axis1], { keepdims: 1 }); // [B, 1]
      const sPos = dotRows(q, p);
      const sNeg = n === 1 ? dotRows(q, negs[0]) : g.op('Concat', negs.map((x) => dotRows(q, x)), { axis: 1 }); // [B, n]
      const diff = g.op('Sub', [g.op('Sub', [sPos, sNeg]), labels]); // [B, n]
      const loss = g.op('ReduceMean', [g.op('Mul', [diff, diff])], { keepdims: 0 }); // scalar
      const count = g.op('Cast', [g.op('Size', [diff])], { to: 1 }); // B·n
      const grad = g.op('Div', [g.op('Mul', [diff, g.floats([2])]), count]); // [B, n]
      const gk = n === 1 ? [grad] : g.opMulti('Split', [grad], n, { axis: 1 }); // n × [B, 1]
      const gSum = g.op('ReduceSum', [grad, axis1], { keepdims: 1 }); // [B, 1]
      let dq = g.op('Mul', [gSum, p]); // [B, H]
      for (let k = 0; k < n; k++) dq = g.op('Sub', [dq, g.op('Mul', [gk[k], negs[k]])]);
      const dp = g.op('Mul', [gSum, q]);
      const dn = gk.map((x) => g.op('Neg', [g.op('Mul', [x, q])]));
      const d = [dq, dp, ...dn];
      return { loss, dEmb: norms ? norms.map((x, c) => x.backward(d[c])) : d };
    },
  };
}
