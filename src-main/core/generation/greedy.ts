// Greedy decoding: the highest-scoring token at every step (ties → the lowest id, as torch.argmax).
import { decode, type Seq2SeqModel, type TokenChooser } from './decode-loop.js';

export const argmaxToken: TokenChooser = (logits, offset, vocab) => {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < vocab; i++) {
    const v = logits[offset + i];
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
};

/** One sequence per passage (token ids in, ids out starting with the decoder start token; see decode()). */
export function greedyDecode(model: Seq2SeqModel, inputIds: number[][], opts: { maxNewTokens: number }): Promise<number[][]> {
  return decode(model, inputIds, { maxNewTokens: opts.maxNewTokens, chooseToken: argmaxToken });
}
