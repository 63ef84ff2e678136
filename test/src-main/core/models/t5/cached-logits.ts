// Test helper: teacher-forced logits through the KV-cached decoder step, one position at a time,
// laid out like the full decoder's output [rows, dec, vocab] so the two can be compared directly.
import type { T5Model } from '../../../../../src-main/core/models/t5/t5-model.js';

export async function cachedLogits(model: T5Model, inputIds: number[][], decoderIds: number[][]): Promise<Float32Array> {
  const ctx = await model.prepare(inputIds);
  const rows = inputIds.length;
  const len = decoderIds[0].length;
  const vocab = model.vocab;
  const out = new Float32Array(rows * len * vocab);
  let past = model.initialPast(rows);
  for (let t = 0; t < len; t++) {
    const tokens = BigInt64Array.from(decoderIds, (ids) => BigInt(ids[t]));
    const r = await model.step(ctx, tokens, past);
    past = r.past;
    for (let b = 0; b < rows; b++) out.set(r.logits.subarray(b * vocab, (b + 1) * vocab), (b * len + t) * vocab);
  }
  return out;
}
