// Logits processors that run before a token is chosen, with transformers' semantics:
//  - min new tokens (MinNewTokensLengthLogitsProcessor): EOS gets -Infinity until that many tokens exist;
//  - repetition penalty (RepetitionPenaltyLogitsProcessor): every distinct token already in the
//    decoder sequence (the decoder start token included) has its score divided by the penalty when
//    positive and multiplied by it when negative.
// They edit one row of the logits in place and allocate nothing per step.

export interface LogitsProcessOptions {
  /** EOS is impossible before this many generated tokens (0 = off). */
  minNewTokens?: number;
  /** > 1 discourages repeats, 1 = off. */
  repetitionPenalty?: number;
}

export class LogitsProcessError extends Error {
  override name = 'LogitsProcessError';
}

export function checkLogitsProcess(o: LogitsProcessOptions, maxNewTokens: number): Required<LogitsProcessOptions> {
  const minNewTokens = o.minNewTokens ?? 0;
  const repetitionPenalty = o.repetitionPenalty ?? 1;
  if (!Number.isInteger(minNewTokens) || minNewTokens < 0) throw new LogitsProcessError(`min new tokens must be a non-negative integer, got ${minNewTokens}`);
  if (minNewTokens > maxNewTokens) throw new LogitsProcessError(`min new tokens (${minNewTokens}) cannot exceed max new tokens (${maxNewTokens})`);
  if (!(repetitionPenalty > 0) || !Number.isFinite(repetitionPenalty)) throw new LogitsProcessError(`repetition penalty must be a positive number (1 = off), got ${repetitionPenalty}`);
  return { minNewTokens, repetitionPenalty };
}

export class LogitsProcessor {
  /** seen[token] === stamp ⇔ token already penalised for the current row (no clearing between rows). */
  private readonly seen: Uint32Array;
  private stamp = 0;
  readonly active: boolean;

  constructor(
    readonly vocab: number,
    private readonly eosId: number,
    private readonly o: Required<LogitsProcessOptions>,
  ) {
    this.seen = new Uint32Array(o.repetitionPenalty !== 1 ? vocab : 0);
    this.active = o.minNewTokens > 0 || o.repetitionPenalty !== 1;
  }

  /**
   * Processes scores[offset, offset + vocab) of a row whose decoder sequence so far is
   * `startId` then history[from, from + step) (step = tokens generated so far).
   */
  apply(scores: Float32Array, offset: number, startId: number, history: Int32Array, from: number, step: number): void {
    const penalty = this.o.repetitionPenalty;
    if (penalty !== 1) {
      this.stamp = (this.stamp + 1) >>> 0 || 1;
      this.penalise(scores, offset, startId, penalty);
      for (let t = 0; t < step; t++) this.penalise(scores, offset, history[from + t], penalty);
    }
    if (step < this.o.minNewTokens) scores[offset + this.eosId] = -Infinity;
  }

  private penalise(scores: Float32Array, offset: number, token: number, penalty: number): void {
    if (this.seen[token] === this.stamp) return;
    this.seen[token] = this.stamp;
    const s = scores[offset + token];
    scores[offset + token] = s < 0 ? s * penalty : s / penalty;
  }
}
