// Beam search: a hand-checkable case on scripted log-probabilities, beam 1 == greedy on tiny-t5,
// and the KV-cached batched search against a plain one-passage-at-a-time reference that recomputes
// the whole decoder prefix each step (transformers' BeamSearchScorer rules written out directly).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beamDecode } from '../../../../src-main/core/generation/beam.js';
import type { DecoderContext, Past, Seq2SeqModel } from '../../../../src-main/core/generation/decode-loop.js';
import { greedyDecode } from '../../../../src-main/core/generation/greedy.js';
import { padIds, T5Model } from '../../../../src-main/core/models/t5/t5-model.js';
import { FIXTURES, tempDir } from '../models/fixtures.js';

const EOS = 1;

/** Next-token probabilities by decoder prefix (start token 0 omitted): "" → first step. */
class TreeModel implements Seq2SeqModel {
  readonly decoderStartId = 0;
  readonly eosId = EOS;
  readonly padId = 0;
  readonly vocab = 5;
  private prefixes: string[] = [];
  constructor(private readonly tree: Record<string, number[]>) {}
  async prepare(inputIds: number[][], repeat = 1): Promise<DecoderContext> {
    this.prefixes = Array.from({ length: inputIds.length * repeat }, () => '');
    return { rows: this.prefixes.length, feeds: {} };
  }
  initialPast(rows: number): Past {
    return { p: { type: 'float32', data: new Float32Array(rows), dims: [rows] } };
  }
  async step(ctx: DecoderContext, tokens: BigInt64Array, past: Past): Promise<{ logits: Float32Array; past: Past }> {
    // The "cache" row holds the index of the prefix this row continues (gathered by the search).
    const rowsPrefix = Array.from(past.p.data as Float32Array, (i) => this.prefixes[i]);
    this.prefixes = rowsPrefix.map((p, r) => (tokens[r] === 0n && p === '' ? '' : `${p}${tokens[r]}`));
    const logits = new Float32Array(ctx.rows * this.vocab).fill(-Infinity);
    this.prefixes.forEach((p, r) => (this.tree[p] ?? [0, 1, 0, 0, 0]).forEach((prob, t) => prob > 0 && (logits[r * this.vocab + t] = Math.log(prob))));
    return { logits, past: { p: { type: 'float32', data: Float32Array.from(this.prefixes.keys()), dims: [ctx.rows] } } };
  }
  gatherContext(ctx: DecoderContext, rows: Int32Array): DecoderContext {
    return { rows: rows.length, feeds: {} }; // prefixes follow the cache rows (gatherPast), not the context
  }
  gatherPast(past: Past, rows: Int32Array): Past {
    return { p: { type: 'float32', data: Float32Array.from(rows, (r) => (past.p.data as Float32Array)[r]), dims: [rows.length] } };
  }
}

describe('beam search by hand', () => {
  // Greedy takes 2 (0.6) then EOS/3 at 0.5 each → best 0.30; beam 2 finds 3 (0.4) → 4 (0.9) → EOS (1): 0.36.
  const tree: Record<string, number[]> = {
    '': [0, 0, 0.6, 0.4, 0],
    '2': [0, 0.5, 0, 0.5, 0],
    '3': [0, 0, 0, 0.1, 0.9],
    '23': [0, 1, 0, 0, 0],
    '34': [0, 1, 0, 0, 0],
    '33': [0, 1, 0, 0, 0],
  };
  it('keeps the lower first token when its continuation wins (length penalty 0: summed log-probs)', async () => {
    const out = await beamDecode(new TreeModel(tree), [[7]], { maxNewTokens: 5, numBeams: 2, lengthPenalty: 0, numReturnSequences: 2 });
    // Hypotheses: [2, EOS] log 0.3; [3, 4, EOS] log 0.36; [2, 3, EOS] log 0.3 — the best two, best first.
    expect(out[0]).toEqual([0, 3, 4, EOS]);
    expect(out[1]).toEqual([0, 2, EOS]); // 0.3 ties with [2,3,EOS]; the earlier, shorter one stays (no replacement on ties)
    const greedy = await beamDecode(new TreeModel(tree), [[7]], { maxNewTokens: 5, numBeams: 1, lengthPenalty: 0 });
    expect(greedy).toEqual([[0, 2, EOS]]);
  });

  it('length penalty 1 divides by the generated length: a longer hypothesis can win on average log-prob', async () => {
    const t2 = { ...tree, '': [0, 0.55, 0, 0.45, 0], '3': [0, 0, 0, 0, 1] };
    // [EOS]: log .55 / 1 = −0.598; [3, 4, EOS]: log .45 / 3 = −0.266 → the long one wins with penalty 1 …
    expect((await beamDecode(new TreeModel(t2), [[7]], { maxNewTokens: 5, numBeams: 2, lengthPenalty: 1 }))[0]).toEqual([0, 3, 4, EOS]);
    // … and loses with penalty 0 (raw sums: −0.598 vs −0.799).
    expect((await beamDecode(new TreeModel(t2), [[7]], { maxNewTokens: 5, numBeams: 2, lengthPenalty: 0 }))[0]).toEqual([0, EOS]);
  });
});

/** Plain beam search for one passage with the full (no-cache) decoder. */
async function referenceBeam(model: T5Model, input: number[], nb: number, maxNew: number, lp: number): Promise<number[]> {
  const batch = padIds([input], 0);
  const hidden = await model.encode(batch);
  const V = model.vocab;
  let beams: Array<{ ids: number[]; score: number }> = Array.from({ length: nb }, (_, j) => ({ ids: [0], score: j === 0 ? 0 : -1e9 }));
  const hyps: Array<{ ids: number[]; score: number }> = [];
  let worst = 1e9;
  const add = (ids: number[], sum: number, len: number) => {
    const score = sum / len ** lp;
    if (hyps.length < nb || score > worst) {
      hyps.push({ ids, score });
      if (hyps.length > nb) {
        const order = hyps.map((h, i) => [h.score, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        hyps.splice(order[0][1], 1);
        worst = order[1][0];
      } else worst = Math.min(score, worst);
    }
  };
  for (let step = 0; step < maxNew; step++) {
    const cands: Array<{ score: number; beam: number; token: number }> = [];
    for (let j = 0; j < nb; j++) {
      const logits = await model.fullDecoderLogits(hidden, batch, [beams[j].ids]); // [1, len, V]
      const last = logits.data.subarray((beams[j].ids.length - 1) * V, beams[j].ids.length * V);
      const max = Math.max(...last);
      const lse = Math.log(last.reduce((s, x) => s + Math.exp(x - max), 0)) + max;
      last.forEach((x, t) => cands.push({ score: Math.fround(x - lse + beams[j].score), beam: j, token: t }));
    }
    cands.sort((a, b) => b.score - a.score || a.beam * V + a.token - (b.beam * V + b.token));
    const next: typeof beams = [];
    for (let rank = 0; rank < 2 * nb && next.length < nb; rank++) {
      const c = cands[rank];
      if (c.token === EOS) {
        if (rank < nb) add(beams[c.beam].ids, c.score, step + 1);
      } else next.push({ ids: [...beams[c.beam].ids, c.token], score: c.score });
    }
    beams = next;
    if (hyps.length >= nb && worst >= cands[0].score / (step + 1) ** lp) {
      return [...hyps].map((h, i) => ({ h, i })).sort((a, b) => a.h.score - b.h.score || a.i - b.i).at(-1)!.h.ids.concat(EOS);
    }
  }
  for (const b of beams) add(b.ids, b.score, maxNew);
  const best = hyps.map((h, i) => ({ h, i })).sort((a, b) => a.h.score - b.h.score || a.i - b.i).at(-1)!.h.ids;
  return best.length - 1 < maxNew ? [...best, EOS] : best;
}

describe('beam search on tiny-t5', () => {
  const dir = join(FIXTURES, 'tiny-t5');
  const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as { input_ids: number[][]; greedy: { output_ids: number[][] } };
  const tmp = tempDir('beam');
  let model: T5Model;
  beforeAll(async () => {
    model = (await T5Model.load(dir, { cacheDir: tmp.path, threads: 1 })).model;
  });
  afterAll(async () => {
    await model?.release();
    tmp.remove();
  });

  it('num_beams 1 equals greedy (the transformers reference ids)', async () => {
    expect(await beamDecode(model, ref.input_ids, { maxNewTokens: 12, numBeams: 1 })).toEqual(ref.greedy.output_ids);
    expect(await greedyDecode(model, ref.input_ids, { maxNewTokens: 12 })).toEqual(ref.greedy.output_ids);
  });

  it('the cached, batched search equals a plain full-recompute reference, per passage', async () => {
    for (const [nb, lp] of [[3, 1], [4, 0.6]] as const) {
      const batched = await beamDecode(model, ref.input_ids, { maxNewTokens: 8, numBeams: nb, lengthPenalty: lp });
      for (let p = 0; p < ref.input_ids.length; p++) {
        expect(batched[p]).toEqual(await referenceBeam(model, ref.input_ids[p], nb, 8, lp));
      }
    }
  });

  it('returns numReturnSequences distinct sequences per passage, passage-major', async () => {
    const out = await beamDecode(model, ref.input_ids.slice(0, 2), { maxNewTokens: 6, numBeams: 4, numReturnSequences: 3 });
    expect(out).toHaveLength(6);
    expect(new Set(out.slice(0, 3).map((s) => s.join())).size).toBe(3);
    await expect(beamDecode(model, ref.input_ids, { maxNewTokens: 6, numBeams: 2, numReturnSequences: 3 })).rejects.toThrow(/between 1 and numBeams/);
  });
});
