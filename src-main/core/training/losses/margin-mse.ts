// MarginMSELoss (sentence-transformers `losses.MarginMSELoss`; Hofstätter et al. 2020, "Improving
// Efficient Neural Ranking Models with Cross-Architecture Knowledge Distillation"), the loss of GPL
// (Wang et al. 2022): the student's score margin between the positive and a hard negative is
// regressed onto a teacher's (cross-encoder) margin. Related: MSELoss, DistillKLDivLoss.
//
// Text columns: (query, positive, negative₁[, …negativeₙ]); labels: the teacher margins
// CE(q, pos) − CE(q, negₖ), [B, n] row-major (n = 1: [B]). Score: raw dot product (GPL's and
// sentence-transformers' default) or cosine.
//   dₖᵢ = s(qᵢ, pᵢ) − s(qᵢ, nₖᵢ);   loss = mean over the B·n entries of (dₖᵢ − mₖᵢ)²
//   g = 2(dₖᵢ − mₖᵢ) / (B·n);  dot: dqᵢ += g(pᵢ − nₖᵢ), dpᵢ += g·qᵢ, dnₖᵢ = −g·qᵢ
// (cosine: the same on normalised rows, then through the normalisation). Float64 throughout.
import { checkColumns, LossInputError, row, type LossResult, type TrainingLoss } from './loss.js';
import { marginMseLossGraph } from './margin-mse-graph.js';
import { dot, normalizeRows } from './normalize.js';

export type MarginScore = 'dot' | 'cosine';

export function marginMseLossHost(emb: Float32Array[], B: number, H: number, labels: Float32Array | undefined, score: MarginScore = 'dot'): LossResult {
  checkColumns('MarginMSELoss', emb, B, H, { min: 3, max: 66 });
  const n = emb.length - 2;
  if (!labels || labels.length !== B * n) {
    throw new LossInputError(
      `MarginMSELoss: expected ${n === 1 ? `labels of shape [${B}]` : `labels of shape [${B}, ${n}]`} (one teacher margin per query${n === 1 ? '' : ' and negative'}), got ${labels ? `${labels.length} values` : 'none'}`,
    );
  }
  const cols = emb.map((col) => Array.from({ length: B }, (_, i) => row(col, i, H)));
  const norms = score === 'cosine' ? cols.map((c) => normalizeRows(c)) : null;
  const v = norms ? norms.map((x) => x.y) : cols; // vectors the score is a dot product of
  const d = cols.map((c) => c.map(() => new Float64Array(H)));
  let loss = 0;
  for (let i = 0; i < B; i++) {
    const q = v[0][i];
    const p = v[1][i];
    const sPos = dot(q, p);
    for (let k = 0; k < n; k++) {
      const neg = v[2 + k][i];
      const diff = sPos - dot(q, neg) - labels[i * n + k];
      loss += diff * diff;
      const g = (2 * diff) / (B * n);
      for (let h = 0; h < H; h++) {
        d[0][i][h] += g * (p[h] - neg[h]);
        d[1][i][h] += g * q[h];
        d[2 + k][i][h] -= g * q[h];
      }
    }
  }
  const dCols = norms ? norms.map((x, c) => x.backward(d[c])) : d;
  const dEmb = dCols.map((rows) => {
    const out = new Float32Array(B * H);
    rows.forEach((r, i) => out.set(r, i * H));
    return out;
  });
  return { loss: loss / (B * n), dEmb };
}

export function marginMseLoss(opts: { score?: MarginScore } = {}): TrainingLoss {
  const score = opts.score ?? 'dot';
  return {
    name: 'margin-mse',
    options: { score },
    columns: { min: 3, max: 66 },
    needsLabels: true,
    inBatchNegatives: false,
    compute: (emb, B, H, labels) => marginMseLossHost(emb, B, H, labels, score),
    graph: marginMseLossGraph(score),
  };
}
