// MultipleNegativesRankingLoss (sentence-transformers `losses.MultipleNegativesRankingLoss`; with
// `symmetric`, `MultipleNegativesSymmetricRankingLoss`), the GenQ loss (Henderson et al. 2017,
// "Efficient Natural Language Response Suggestion"). Related: CachedMultipleNegativesRankingLoss
// (our GradCache in step.ts gives it to every loss), GISTEmbedLoss.
//
// Text columns: (anchor, positive[, negative…]); labels: none. Candidates are all positives and
// negatives of the batch, C = [P; N₁; …] ([k·B, H]); anchor i's target is candidate i.
//   S = scale · cos(aᵢ, cⱼ)                     [B, k·B]
//   loss = mean_i (logsumexp_j S_ij − S_ii)
//   dS = (softmax(S) − onehot(i)) / B;  dâ = scale · dS · Ĉ;  dĈ = scale · dSᵀ · â
// then through the normalisation (normalize.ts). Symmetric adds the positive→anchor direction on
// the [B, B] block and averages the two cross-entropies. Float64 throughout.
import { checkColumns, row, type LossResult, type TrainingLoss } from './loss.js';
import { mnrLossGraph } from './mnr-graph.js';
import { normalizeRows } from './normalize.js';

export interface MnrOptions {
  /** Multiplier of the cosine similarities (sentence-transformers default 20). */
  scale?: number;
  symmetric?: boolean;
}

/** Mean cross-entropy of rows of `logits` against target column i, and dLoss/dLogits. */
function crossEntropyDiagonal(logits: Float64Array[]): { loss: number; d: Float64Array[] } {
  const B = logits.length;
  let loss = 0;
  const d = logits.map((r, i) => {
    const max = Math.max(...r);
    let sum = 0;
    for (const v of r) sum += Math.exp(v - max);
    const lse = max + Math.log(sum);
    loss += lse - r[i];
    return r.map((v, j) => (Math.exp(v - lse) - (i === j ? 1 : 0)) / B);
  });
  return { loss: loss / B, d };
}

export function mnrLossHost(emb: Float32Array[], B: number, H: number, opts: MnrOptions = {}): LossResult {
  const scale = opts.scale ?? 20;
  checkColumns('MultipleNegativesRankingLoss', emb, B, H, { min: 2, max: 64 });
  const anchors = normalizeRows(Array.from({ length: B }, (_, i) => row(emb[0], i, H))); // [B][H]
  const cand = normalizeRows(emb.slice(1).flatMap((col) => Array.from({ length: B }, (_, i) => row(col, i, H)))); // [kB][H]
  const K = cand.y.length;
  const S = anchors.y.map((a) => Float64Array.from(cand.y, (c) => {
    let s = 0;
    for (let k = 0; k < H; k++) s += a[k] * c[k];
    return scale * s;
  })); // [B, kB]
  const fwd = crossEntropyDiagonal(S);
  let loss = fwd.loss;
  let dS = fwd.d;
  if (opts.symmetric) {
    // positive j → anchors: logits S[:, j] over i, target i = j.
    const back = crossEntropyDiagonal(Array.from({ length: B }, (_, j) => Float64Array.from(S, (r) => r[j])));
    loss = (fwd.loss + back.loss) / 2;
    dS = dS.map((r, i) => r.map((v, j) => (v + (j < B ? back.d[j][i] : 0)) / 2));
  }
  const dA = anchors.y.map(() => new Float64Array(H));
  const dC = Array.from({ length: K }, () => new Float64Array(H));
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < K; j++) {
      const g = scale * dS[i][j];
      if (g === 0) continue;
      const a = anchors.y[i];
      const c = cand.y[j];
      for (let k = 0; k < H; k++) {
        dA[i][k] += g * c[k];
        dC[j][k] += g * a[k];
      }
    }
  }
  const dAnchors = anchors.backward(dA);
  const dCand = cand.backward(dC);
  const pack = (rows: Float64Array[]) => {
    const out = new Float32Array(rows.length * H);
    rows.forEach((r, i) => out.set(r, i * H));
    return out;
  };
  const dEmb = [pack(dAnchors)];
  for (let c = 0; c < emb.length - 1; c++) dEmb.push(pack(dCand.slice(c * B, (c + 1) * B)));
  return { loss, dEmb };
}

export function mnrLoss(opts: MnrOptions = {}): TrainingLoss {
  const scale = opts.scale ?? 20;
  const symmetric = opts.symmetric ?? false;
  return {
    name: 'mnr',
    options: { scale, symmetric },
    columns: { min: 2, max: 64 },
    needsLabels: false,
    inBatchNegatives: true,
    compute: (emb, B, H) => mnrLossHost(emb, B, H, { scale, symmetric }),
    graph: mnrLossGraph({ scale, symmetric }),
  };
}
