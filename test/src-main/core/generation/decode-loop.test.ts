// The decoding loop against a scripted model: start token first, per-row EOS stop (then padding fed),
// max_new_tokens, passage-major repetition for several sequences per passage, and argmax tie-breaking.
import { describe, expect, it } from 'vitest';
import { decode, type DecoderContext, type Past, type Seq2SeqModel } from '../../../../src-main/core/generation/decode-loop.js';
import { argmaxToken, greedyDecode } from '../../../../src-main/core/generation/greedy.js';

const VOCAB = 6;
const EOS = 1;

/** Row r's step-t logits put the maximum on script[passage(r)][t] (or token 5 past the script). */
class ScriptedModel implements Seq2SeqModel {
  readonly decoderStartId = 0;
  readonly eosId = EOS;
  readonly padId = 0;
  readonly vocab = VOCAB;
  fed: number[][] = [];
  pastLengths: number[] = [];
  private repeat = 1;
  constructor(private readonly script: number[][]) {}

  async prepare(inputIds: number[][], repeat = 1): Promise<DecoderContext> {
    this.repeat = repeat;
    return { rows: inputIds.length * repeat, feeds: {} };
  }
  initialPast(): Past {
    return { past: { type: 'float32', data: new Float32Array(0), dims: [0] } };
  }
  async step(ctx: DecoderContext, tokens: BigInt64Array, past: Past): Promise<{ logits: Float32Array; past: Past }> {
    const t = past.past.dims[0];
    this.pastLengths.push(t);
    this.fed.push(Array.from(tokens, Number));
    const logits = new Float32Array(ctx.rows * VOCAB);
    for (let r = 0; r < ctx.rows; r++) logits[r * VOCAB + (this.script[Math.floor(r / this.repeat)][t] ?? 5)] = 1;
    return { logits, past: { past: { type: 'float32', data: new Float32Array(0), dims: [t + 1] } } };
  }
}

describe('decode loop', () => {
  it('starts from the decoder start token, stops each row at its EOS and feeds padding afterwards', async () => {
    const model = new ScriptedModel([[3, 1], [2, 4, 4, 1], [5]]);
    const out = await greedyDecode(model, [[7], [8, 9], [10]], { maxNewTokens: 6 });
    expect(out).toEqual([[0, 3, 1], [0, 2, 4, 4, 1], [0, 5, 5, 5, 5, 5, 5]]);
    // A row's EOS is fed once (as transformers does), then padding.
    expect(model.fed).toEqual([[0, 0, 0], [3, 2, 5], [1, 4, 5], [0, 4, 5], [0, 1, 5], [0, 0, 5]]);
    expect(model.pastLengths).toEqual([0, 1, 2, 3, 4, 5]); // one cache, grown one step at a time
  });

  it('ends as soon as every row has finished', async () => {
    const model = new ScriptedModel([[1], [2, 1]]);
    expect(await greedyDecode(model, [[4], [4]], { maxNewTokens: 50 })).toEqual([[0, 1], [0, 2, 1]]);
    expect(model.fed.length).toBe(2);
  });

  it('repeats each passage for several sequences, passage-major', async () => {
    const model = new ScriptedModel([[2, 1], [3, 1]]);
    const seen: Array<[number, number]> = [];
    const out = await decode(model, [[4], [5]], {
      maxNewTokens: 4,
      numReturnSequences: 3,
      chooseToken: (logits, offset, vocab, row, step) => (seen.push([row, step]), argmaxToken(logits, offset, vocab, row, step)),
    });
    expect(out).toEqual([[0, 2, 1], [0, 2, 1], [0, 2, 1], [0, 3, 1], [0, 3, 1], [0, 3, 1]]);
    expect(seen.filter(([, s]) => s === 0).map(([r]) => r)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('argmax breaks ties toward the lowest id and reads only its own row', () => {
    const logits = Float32Array.from([9, 9, 9, 0, 2, 7, 7, 1]);
    expect(argmaxToken(logits, 4, 4, 1, 0)).toBe(1);
    expect(argmaxToken(Float32Array.from([-Infinity, -3, -3]), 0, 3, 0, 0)).toBe(1);
  });

  it('rejects bad arguments with clear messages', async () => {
    const model = new ScriptedModel([[1]]);
    await expect(greedyDecode(model, [[1]], { maxNewTokens: 0 })).rejects.toThrow(/maxNewTokens must be a positive integer/);
    await expect(greedyDecode(model, [[]], { maxNewTokens: 2 })).rejects.toThrow(/at least one input token/);
    expect(await greedyDecode(model, [], { maxNewTokens: 2 })).toEqual([]);
  });
});
