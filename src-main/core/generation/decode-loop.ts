// The one decoding loop for encoder-decoder generation (greedy now; sampling plugs in a different
// TokenChooser). All sequences of a batch advance together one token per step through the model's
// KV cache; a sequence that emits EOS stops growing (it is fed padding until the batch ends).
// Per-step JS work is O(rows · vocab) for choosing tokens and allocates nothing that grows with the
// batch: token, output and state buffers are allocated once per batch.
import type { TensorIn } from '../models/session.js';

/** Everything a step needs that stays fixed for a batch (encoder mask, cross-attention K/V). */
export interface DecoderContext {
  rows: number;
  feeds: Record<string, TensorIn>;
}
/** The self-attention KV cache, fed to the next step as is. */
export type Past = Record<string, TensorIn>;

export interface Seq2SeqModel {
  readonly decoderStartId: number;
  readonly eosId: number;
  readonly padId: number;
  readonly vocab: number;
  /** Encodes the passages once; each row repeated `repeat` times (rows = passages × repeat, passage-major). */
  prepare(inputIds: number[][], repeat?: number): Promise<DecoderContext>;
  initialPast(rows: number): Past;
  /** tokens [rows] → logits [rows, vocab] for the next position, and the cache one step longer. */
  step(ctx: DecoderContext, tokens: BigInt64Array, past: Past): Promise<{ logits: Float32Array; past: Past }>;
}

/** Picks row `row`'s next token from logits[offset .. offset + vocab) at step `step` (0 = first generated token). */
export type TokenChooser = (logits: Float32Array, offset: number, vocab: number, row: number, step: number) => number;

export interface DecodeOptions {
  maxNewTokens: number;
  chooseToken: TokenChooser;
  /** Sequences per passage (sampling); the encoder output is repeated, not recomputed. */
  numReturnSequences?: number;
}

export class DecodeError extends Error {
  override name = 'DecodeError';
}

/**
 * Generates for a batch of passages (token ids, unpadded). Returns, per row (passage-major, then
 * sequence), the ids as transformers' generate does: the decoder start token, the generated tokens,
 * and EOS when one was produced within maxNewTokens (nothing after it).
 */
export async function decode(model: Seq2SeqModel, inputIds: number[][], opts: DecodeOptions): Promise<number[][]> {
  const maxNew = opts.maxNewTokens;
  const repeat = opts.numReturnSequences ?? 1;
  if (!Number.isInteger(maxNew) || maxNew < 1) throw new DecodeError(`maxNewTokens must be a positive integer, got ${maxNew}`);
  if (!Number.isInteger(repeat) || repeat < 1) throw new DecodeError(`numReturnSequences must be a positive integer, got ${repeat}`);
  if (inputIds.length === 0) return [];
  if (inputIds.some((ids) => ids.length === 0)) throw new DecodeError('every passage needs at least one input token');

  const ctx = await model.prepare(inputIds, repeat);
  const rows = ctx.rows;
  const vocab = model.vocab;
  const tokens = new BigInt64Array(rows).fill(BigInt(model.decoderStartId)); // [rows] fed to the next step
  const generated = new Int32Array(rows * maxNew); // [rows, maxNew]
  const lengths = new Int32Array(rows); // generated tokens per row, EOS included
  const finished = new Uint8Array(rows);
  const padToken = BigInt(model.padId);
  let active = rows;
  let past = model.initialPast(rows);

  for (let step = 0; step < maxNew && active > 0; step++) {
    const out = await model.step(ctx, tokens, past);
    past = out.past;
    if (out.logits.length !== rows * vocab) throw new DecodeError(`the model returned ${out.logits.length} logits, expected ${rows} × ${vocab}`);
    for (let r = 0; r < rows; r++) {
      if (finished[r]) {
        tokens[r] = padToken;
        continue;
      }
      const token = opts.chooseToken(out.logits, r * vocab, vocab, r, step);
      generated[r * maxNew + step] = token;
      lengths[r] = step + 1;
      tokens[r] = BigInt(token);
      if (token === model.eosId) {
        finished[r] = 1;
        active--;
      }
    }
  }
  return Array.from({ length: rows }, (_, r) => [model.decoderStartId, ...generated.subarray(r * maxNew, r * maxNew + lengths[r])]);
}
