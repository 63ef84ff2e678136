// The sampler against transformers' logits warpers (test/fixtures/sampling/reference_sampling.json),
// and the reproducibility of seeded draws.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, type DecoderContext, type Past, type Seq2SeqModel } from '../../../../src-main/core/generation/decode-loop.js';
import { checkSampling, randomStream, samplingChooser, Warper } from '../../../../src-main/core/generation/sampling.js';

interface Case {
  vector: string;
  logits: number[];
  temperature: number;
  top_k: number;
  top_p: number;
  kept: number[];
  probs: Record<string, number>;
}
const cases = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'sampling', 'reference_sampling.json'), 'utf8')) as { cases: Case[] }).cases;

describe('warpers match transformers', () => {
  for (const c of cases) {
    it(`${c.vector}: temperature ${c.temperature}, top-k ${c.top_k}, top-p ${c.top_p}`, () => {
      const warper = new Warper(c.logits.length, checkSampling({ temperature: c.temperature, topK: c.top_k, topP: c.top_p }));
      warper.warp(Float32Array.from(c.logits), 0);
      const probs = warper.keptProbabilities();
      const ours = [...probs.keys()].sort((a, b) => a - b);
      // Which of several exactly tied tokens torch.sort puts first is unspecified (its sort is not
      // stable), so where top-p cuts through a group of equal logits only the number kept from the
      // group can be compared; everywhere else the kept token ids must be the same.
      const valuesOf = (ids: number[]) => ids.map((i) => c.logits[i]).sort((a, b) => a - b);
      expect(valuesOf(ours)).toEqual(valuesOf(c.kept));
      const tiedCut = c.kept.some((i) => c.logits.some((v, j) => v === c.logits[i] && !c.kept.includes(j)));
      if (!tiedCut) expect(ours).toEqual(c.kept);
      for (const id of ours) {
        const refId = c.kept.includes(id) ? id : c.kept.find((k) => c.logits[k] === c.logits[id] && !ours.includes(k))!;
        expect(Math.abs(probs.get(id)! - c.probs[String(refId)])).toBeLessThan(1e-6);
      }
    });
  }

  it('draws follow the kept distribution', () => {
    const warper = new Warper(4, checkSampling({ topP: 0.9 }));
    warper.warp(Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]), 0);
    expect([...warper.keptProbabilities().keys()].sort()).toEqual([0, 1, 2]);
    const counts = [0, 0, 0, 0];
    const rand = randomStream(3, 0, 0);
    for (let i = 0; i < 20000; i++) counts[warper.draw(rand())]++;
    expect(counts[3]).toBe(0);
    [0.5, 0.3, 0.15].forEach((p, i) => expect(Math.abs(counts[i] / 20000 - p / 0.95)).toBeLessThan(0.015));
  });

  it('rejects invalid settings', () => {
    expect(() => checkSampling({ temperature: 0 })).toThrow(/temperature/);
    expect(() => checkSampling({ topK: 1.5 })).toThrow(/top-k/);
    expect(() => checkSampling({ topP: 0 })).toThrow(/top-p/);
  });
});

/** Logits that depend only on the passage's first token and the step, so any batch gives the same. */
class FlatModel implements Seq2SeqModel {
  readonly decoderStartId = 0;
  readonly eosId = 1;
  readonly padId = 0;
  readonly vocab = 40;
  private firsts: number[] = [];
  private repeat = 1;
  async prepare(inputIds: number[][], repeat = 1): Promise<DecoderContext> {
    this.firsts = inputIds.map((ids) => ids[0]);
    this.repeat = repeat;
    return { rows: inputIds.length * repeat, feeds: {} };
  }
  initialPast(): Past {
    return { t: { type: 'float32', data: new Float32Array(0), dims: [0] } };
  }
  async step(ctx: DecoderContext, _tokens: BigInt64Array, past: Past): Promise<{ logits: Float32Array; past: Past }> {
    const t = past.t.dims[0];
    const logits = new Float32Array(ctx.rows * this.vocab);
    for (let r = 0; r < ctx.rows; r++) for (let v = 2; v < this.vocab; v++) logits[r * this.vocab + v] = Math.sin(v * (this.firsts[Math.floor(r / this.repeat)] + t));
    return { logits, past: { t: { type: 'float32', data: new Float32Array(0), dims: [t + 1] } } };
  }
}

describe('seeded sampling', () => {
  const passages = [[3], [4], [5], [6], [7]];
  const run = async (ids: number[], seed: number) =>
    decode(new FlatModel(), ids.map((i) => passages[i]), {
      maxNewTokens: 8,
      numReturnSequences: 3,
      chooseToken: samplingChooser(40, { seed, topK: 20, topP: 0.9, temperature: 0.8, numReturnSequences: 3, passageIds: ids }),
    });

  it('gives each passage the same draws in any batch and order', async () => {
    const all = await run([0, 1, 2, 3, 4], 42);
    const split = [...(await run([3, 4], 42)), ...(await run([0], 42)), ...(await run([2, 1], 42))];
    const byPassage = (out: number[][], ids: number[]) => Object.fromEntries(ids.map((p, k) => [p, out.slice(k * 3, k * 3 + 3)]));
    expect(byPassage(split, [3, 4, 0, 2, 1])).toEqual(byPassage(all, [0, 1, 2, 3, 4]));
  });

  it('differs across seeds and across the sequences of one passage', async () => {
    const a = await run([0], 1);
    const b = await run([0], 2);
    expect(a).not.toEqual(b);
    expect(new Set(a.map((s) => s.join(','))).size).toBeGreaterThan(1);
  });
});
