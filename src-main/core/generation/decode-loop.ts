// The one decoding loop for encoder-decoder generation (greedy or sampling: a TokenChooser picks
// each token; beam search has its own loop in beam.ts). All sequences of a batch advance together
// one token per step through the model's KV cache; a sequence that emits EOS stops growing. Once
// enough rows have finished (a quarter of the running ones by default) and the model can gather
// rows, the running rows' cache and encoder context are gathered into a smaller batch so finished
// rows stop costing compute; until then finished rows are fed padding.
// Per-step JS work is O(rows · vocab) for choosing tokens (spread over spare cores when a batch
// chooser is given, see sampling-pool.ts) and allocates nothing that grows with the batch: token,
// output and state buffers are allocated once per batch (and once per shrink).
import type { TensorIn } from '../models/session.js';
import { checkLogitsProcess, LogitsProcessor, type LogitsProcessOptions } from './logits-process.js';

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
  /** Rows `rows` (indices into the current rows; repeats allowed) of the context. Optional: without it the batch never shrinks. */
  gatherContext?(ctx: DecoderContext, rows: Int32Array): DecoderContext;
  /** Rows `rows` of the KV cache (beam search reorders with it). */
  gatherPast?(past: Past, rows: Int32Array): Past;
}

/** Picks row `row`'s next token from logits[offset .. offset + vocab) at step `step` (0 = first generated token). */
export type TokenChooser = (logits: Float32Array, offset: number, vocab: number, row: number, step: number) => number;
/**
 * Picks the next token of `count` rows at once (e.g. on several threads): batch positions
 * positions[0, count) of logits [batch, vocab], original rows rows[0, count). Resolves to the
 * tokens in the same order; the arrays are only valid until then.
 */
export type BatchTokenChooser = (logits: Float32Array, positions: Int32Array, rows: Int32Array, count: number, step: number) => Promise<Int32Array>;

export interface DecodeOptions extends LogitsProcessOptions {
  maxNewTokens: number;
  chooseToken: TokenChooser;
  /** When given, used instead of chooseToken (after the logits processors ran on every row). */
  chooseTokens?: BatchTokenChooser;
  /** Sequences per passage (sampling); the encoder output is repeated, not recomputed. */
  numReturnSequences?: number;
  /** Gather the running rows into a smaller batch once this fraction of them has finished (default 0.25; 1 = never). */
  shrinkAt?: number;
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

  const processing = checkLogitsProcess(opts, maxNew);
  const shrinkAt = opts.shrinkAt ?? 0.25;
  const canShrink = shrinkAt < 1 && !!model.gatherContext && !!model.gatherPast;

  let ctx = await model.prepare(inputIds, repeat);
  const rows = ctx.rows;
  const vocab = model.vocab;
  const processor = new LogitsProcessor(vocab, model.eosId, processing);
  const generated = new Int32Array(rows * maxNew); // [rows, maxNew], by original row
  const lengths = new Int32Array(rows); // generated tokens per original row, EOS included
  const finished = new Uint8Array(rows); // by original row
  const padToken = BigInt(model.padId);
  let rowOf = Int32Array.from({ length: rows }, (_, r) => r); // batch position → original row
  let tokens = new BigInt64Array(rows).fill(BigInt(model.decoderStartId)); // [batch] fed to the next step
  let running = rows; // unfinished rows
  let past = model.initialPast(rows);
  const alivePositions = new Int32Array(rows); // batch positions of unfinished rows (batch chooser)
  const aliveRows = new Int32Array(rows);

  for (let step = 0; step < maxNew && running > 0; step++) {
    const out = await model.step(ctx, tokens, past);
    past = out.past;
    const batch = rowOf.length;
    if (out.logits.length !== batch * vocab) throw new DecodeError(`the model returned ${out.logits.length} logits, expected ${batch} × ${vocab}`);
    const accept = (p: number, r: number, token: number) => {
      generated[r * maxNew + step] = token;
      lengths[r] = step + 1;
      tokens[p] = BigInt(token);
      if (token === model.eosId) {
        finished[r] = 1;
        running--;
      }
    };
    let alive = 0;
    for (let p = 0; p < batch; p++) {
      const r = rowOf[p];
      if (finished[r]) {
        tokens[p] = padToken;
        continue;
      }
      if (processor.active) processor.apply(out.logits, p * vocab, model.decoderStartId, generated, r * maxNew, step);
      if (opts.chooseTokens) {
        alivePositions[alive] = p;
        aliveRows[alive++] = r;
      } else accept(p, r, opts.chooseToken(out.logits, p * vocab, vocab, r, step));
    }
    if (opts.chooseTokens && alive > 0) {
      const chosen = await opts.chooseTokens(out.logits, alivePositions, aliveRows, alive, step);
      for (let i = 0; i < alive; i++) accept(alivePositions[i], aliveRows[i], chosen[i]);
    }
    // Shrink: keep only unfinished rows once enough of the batch is dead weight.
    if (canShrink && running > 0 && step + 1 < maxNew && batch - running >= Math.max(1, shrinkAt * batch)) {
      const keep = new Int32Array(running);
      let k = 0;
      for (let p = 0; p < batch; p++) if (!finished[rowOf[p]]) keep[k++] = p;
      ctx = model.gatherContext!(ctx, keep);
      past = model.gatherPast!(past, keep);
      const nextTokens = new BigInt64Array(running);
      const nextRowOf = new Int32Array(running);
      for (let i = 0; i < running; i++) {
        nextTokens[i] = tokens[keep[i]];
        nextRowOf[i] = rowOf[keep[i]];
      }
      tokens = nextTokens;
      rowOf = nextRowOf;
    }
  }
  return Array.from({ length: rows }, (_, r) => [model.decoderStartId, ...generated.subarray(r * maxNew, r * maxNew + lengths[r])]);
}
