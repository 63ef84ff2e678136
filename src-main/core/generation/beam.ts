// Beam search as transformers' BeamSearchScorer (generate(num_beams=N, do_sample=False)):
// per passage N beams; each step scores every beam × token with log-softmax (then min-length and
// repetition-penalty processing) plus the beam's running score, takes the best 2N candidates, turns
// the EOS ones ranked < N into finished hypotheses (score / generated_len ** length_penalty) and
// keeps the best N others as next beams. A passage is done when it holds N hypotheses and
// early_stopping says no running beam can beat the worst of them. Beams are reordered by gathering
// the KV cache rows; passages that are done leave the batch.
import { DecodeError, type Seq2SeqModel } from './decode-loop.js';
import { checkLogitsProcess, LogitsProcessor, type LogitsProcessOptions } from './logits-process.js';

export interface BeamOptions extends LogitsProcessOptions {
  maxNewTokens: number;
  numBeams: number;
  /** Exponent of the generated length dividing a hypothesis' summed log-probability (default 1). */
  lengthPenalty?: number;
  /** true: stop at N hypotheses; false: stop when no beam can do better (transformers' default); 'never': the canonical bound. */
  earlyStopping?: boolean | 'never';
  /** Best hypotheses returned per passage (≤ numBeams, default 1). */
  numReturnSequences?: number;
}

interface Hypothesis {
  score: number;
  tokens: number[];
}

/** BeamHypotheses: the best `numBeams` finished sequences of one passage. */
class Hypotheses {
  readonly beams: Hypothesis[] = [];
  worst = 1e9;
  done = false;
  constructor(
    private readonly numBeams: number,
    private readonly lengthPenalty: number,
    private readonly earlyStopping: boolean | 'never',
    private readonly maxNew: number,
  ) {}

  add(tokens: number[], sumLogprobs: number, generatedLen: number): void {
    const score = sumLogprobs / generatedLen ** this.lengthPenalty;
    if (this.beams.length < this.numBeams || score > this.worst) {
      this.beams.push({ score, tokens });
      if (this.beams.length > this.numBeams) {
        const sorted = this.beams.map((b, i) => [b.score, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        this.beams.splice(sorted[0][1], 1);
        this.worst = sorted[1][0];
      } else {
        this.worst = Math.min(score, this.worst);
      }
    }
  }

  /** generatedLen: tokens generated so far including the one chosen this step. */
  isDone(bestSumLogprobs: number, generatedLen: number): boolean {
    if (this.beams.length < this.numBeams) return false;
    if (this.earlyStopping === true) return true;
    const len = this.earlyStopping === 'never' && this.lengthPenalty > 0 ? this.maxNew : generatedLen;
    return this.worst >= bestSumLogprobs / len ** this.lengthPenalty;
  }

  /** The best `n` (highest score; among equal scores the later added, as Python's sort + pop). */
  best(n: number): Hypothesis[] {
    const sorted = this.beams.map((b, i) => ({ b, i })).sort((x, y) => x.b.score - y.b.score || x.i - y.i);
    return sorted.slice(-n).reverse().map((x) => x.b);
  }
}

/** Per passage, numReturnSequences sequences (passage-major), each decoder start token + tokens (+ EOS when finished). */
export async function beamDecode(model: Seq2SeqModel, inputIds: number[][], opts: BeamOptions): Promise<number[][]> {
  const { maxNewTokens: maxNew, numBeams: nb } = opts;
  const lengthPenalty = opts.lengthPenalty ?? 1;
  const keep = opts.numReturnSequences ?? 1;
  if (!Number.isInteger(maxNew) || maxNew < 1) throw new DecodeError(`maxNewTokens must be a positive integer, got ${maxNew}`);
  if (!Number.isInteger(nb) || nb < 1) throw new DecodeError(`numBeams must be a positive integer, got ${nb}`);
  if (!Number.isInteger(keep) || keep < 1 || keep > nb) throw new DecodeError(`numReturnSequences must be between 1 and numBeams (${nb}), got ${keep}`);
  if (!Number.isFinite(lengthPenalty)) throw new DecodeError(`lengthPenalty must be a finite number, got ${lengthPenalty}`);
  if (!model.gatherPast || !model.gatherContext) throw new DecodeError('beam search needs a model that can gather context and KV cache rows');
  if (inputIds.length === 0) return [];
  if (inputIds.some((ids) => ids.length === 0)) throw new DecodeError('every passage needs at least one input token');

  const processor = new LogitsProcessor(model.vocab, model.eosId, checkLogitsProcess(opts, maxNew));
  const vocab = model.vocab;
  const passages = inputIds.length;
  const hyps = Array.from({ length: passages }, () => new Hypotheses(nb, lengthPenalty, opts.earlyStopping ?? false, maxNew));
  let ctx = await model.prepare(inputIds, nb);
  let past = model.initialPast(ctx.rows);
  // Running beams, passage-major: alive[k] = original passage of batch block k (nb rows each).
  let alive = Int32Array.from({ length: passages }, (_, b) => b);
  let history: Int32Array = new Int32Array(ctx.rows * maxNew); // [rows, maxNew] tokens of each running beam
  let beamScores = new Float64Array(ctx.rows).map((_, r) => (r % nb === 0 ? 0 : -1e9));
  let tokens = new BigInt64Array(ctx.rows).fill(BigInt(model.decoderStartId));
  const candScore = new Float64Array(2 * nb);
  const candIndex = new Int32Array(2 * nb);

  let step = 0;
  for (; step < maxNew && alive.length > 0; step++) {
    const out = await model.step(ctx, tokens, past);
    past = out.past;
    const rows = alive.length * nb;
    if (out.logits.length !== rows * vocab) throw new DecodeError(`the model returned ${out.logits.length} logits, expected ${rows} × ${vocab}`);
    const scores = out.logits;
    for (let r = 0; r < rows; r++) {
      logSoftmaxInPlace(scores, r * vocab, vocab);
      if (processor.active) processor.apply(scores, r * vocab, model.decoderStartId, history, r * maxNew, step);
    }
    const source = new Int32Array(rows); // next beam → the row it continues
    const nextHistory = new Int32Array(rows * maxNew);
    const nextScores = new Float64Array(rows);
    for (let k = 0; k < alive.length; k++) {
      const h = hyps[alive[k]];
      topCandidates(scores, beamScores, k * nb, nb, vocab, candScore, candIndex);
      let filled = 0;
      for (let rank = 0; rank < 2 * nb && filled < nb; rank++) {
        const beam = Math.floor(candIndex[rank] / vocab);
        const token = candIndex[rank] % vocab;
        const row = k * nb + beam;
        if (token === model.eosId) {
          if (rank >= nb) continue;
          h.add([model.decoderStartId, ...history.subarray(row * maxNew, row * maxNew + step)], candScore[rank], step + 1);
        } else {
          const to = k * nb + filled++;
          source[to] = row;
          nextScores[to] = candScore[rank];
          nextHistory.set(history.subarray(row * maxNew, row * maxNew + step), to * maxNew);
          nextHistory[to * maxNew + step] = token;
        }
      }
      if (filled < nb) throw new DecodeError(`beam search found only ${filled} non-EOS candidates for ${nb} beams at step ${step}`);
      h.done ||= h.isDone(candScore[0], step + 1);
    }
    history = nextHistory;
    beamScores = nextScores;
    // Keep the passages still searching; reorder their cache rows to the chosen beams.
    const still = Array.from(alive.keys()).filter((k) => !hyps[alive[k]].done);
    const keepRows = Int32Array.from(still.flatMap((k) => Array.from({ length: nb }, (_, j) => k * nb + j)));
    const last = still.length === 0 || step + 1 === maxNew;
    if (still.length < alive.length) {
      if (!last) ctx = model.gatherContext!(ctx, keepRows);
      history = gather(history, keepRows, maxNew);
      beamScores = Float64Array.from(keepRows, (r) => beamScores[r]);
      alive = Int32Array.from(still, (k) => alive[k]);
    }
    if (last) {
      step++; // the tokens of this step are in history
      break;
    }
    past = model.gatherPast(past, Int32Array.from(keepRows, (r) => source[r]));
    tokens = BigInt64Array.from(keepRows, (r) => BigInt(nextHistory[r * maxNew + step]));
  }
  // Passages not done at max length: their running beams become hypotheses too.
  for (let k = 0; k < alive.length; k++) {
    const h = hyps[alive[k]];
    for (let j = 0; j < nb; j++) {
      const row = k * nb + j;
      h.add([model.decoderStartId, ...history.subarray(row * maxNew, row * maxNew + step)], beamScores[row], step);
    }
  }
  const out: number[][] = [];
  for (const h of hyps) {
    for (const hyp of h.best(keep)) out.push(hyp.tokens.length - 1 < maxNew ? [...hyp.tokens, model.eosId] : hyp.tokens);
  }
  return out;
}

/** Rows `rows` of a [n, width] array. */
function gather(a: Int32Array, rows: Int32Array, width: number): Int32Array {
  const out = new Int32Array(rows.length * width);
  rows.forEach((r, i) => out.set(a.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

/** log_softmax over x[offset, offset + n), in float32 as torch. */
export function logSoftmaxInPlace(x: Float32Array, offset: number, n: number): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (x[offset + i] > max) max = x[offset + i];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(x[offset + i] - max);
  const logSum = Math.log(sum) + max;
  for (let i = 0; i < n; i++) x[offset + i] = x[offset + i] - logSum;
}

/**
 * The 2·nb best (beam score + token score) over the nb beams starting at row `first`, best first
 * (ties: lower flat index first), as torch.topk over the flattened [nb · vocab] scores.
 */
function topCandidates(scores: Float32Array, beamScores: Float64Array, first: number, nb: number, vocab: number, outScore: Float64Array, outIndex: Int32Array): void {
  const k = outScore.length;
  outScore.fill(-Infinity);
  outIndex.fill(-1);
  for (let beam = 0; beam < nb; beam++) {
    const base = beamScores[first + beam];
    const offset = (first + beam) * vocab;
    for (let t = 0; t < vocab; t++) {
      const v = Math.fround(scores[offset + t] + base);
      if (!(v > outScore[k - 1]) && outIndex[k - 1] !== -1) continue;
      if (v === -Infinity && outIndex[k - 1] !== -1) continue;
      let j = k - 1;
      while (j > 0 && (v > outScore[j - 1] || outIndex[j - 1] === -1)) {
        outScore[j] = outScore[j - 1];
        outIndex[j] = outIndex[j - 1];
        j--;
      }
      outScore[j] = v;
      outIndex[j] = beam * vocab + t;
    }
  }
}
