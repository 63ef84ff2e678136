// Decoding options on the tiny-t5 fixture and on hand-made logits: min new tokens masks EOS,
// repetition penalty as transformers' RepetitionPenaltyLogitsProcessor, the shrinking batch gives
// the same ids as the full one, and sampling is the same whatever the batch size or thread count.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../../../src-main/core/generation/decode-loop.js';
import { argmaxToken, greedyDecode } from '../../../../src-main/core/generation/greedy.js';
import { checkLogitsProcess, LogitsProcessor } from '../../../../src-main/core/generation/logits-process.js';
import { samplingChooser } from '../../../../src-main/core/generation/sampling.js';
import { T5Model } from '../../../../src-main/core/models/t5/t5-model.js';
import { FIXTURES, tempDir } from '../models/fixtures.js';

const dir = join(FIXTURES, 'tiny-t5');
const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as { input_ids: number[][]; greedy: { output_ids: number[][] } };
const tmp = tempDir('decode-options');
afterAll(() => tmp.remove());

describe('logits processors', () => {
  it('repetition penalty divides positive and multiplies negative scores of each distinct earlier token once', () => {
    const p = new LogitsProcessor(6, 1, checkLogitsProcess({ repetitionPenalty: 2 }, 5));
    const scores = Float32Array.from([4, 3, -2, 8, -1, 6]);
    // decoder sequence: start 0, then 2, 2, 4 → tokens {0, 2, 4} penalised once each
    p.apply(scores, 0, 0, Int32Array.from([9, 2, 2, 4]), 1, 3);
    expect(Array.from(scores)).toEqual([2, 3, -4, 8, -2, 6]);
  });

  it('min new tokens masks EOS only before that many tokens', () => {
    const p = new LogitsProcessor(4, 1, checkLogitsProcess({ minNewTokens: 2 }, 5));
    const at = (step: number) => {
      const s = Float32Array.from([0, 5, 1, 2]);
      p.apply(s, 0, 0, new Int32Array(8), 0, step);
      return s[1];
    };
    expect([at(0), at(1), at(2)]).toEqual([-Infinity, -Infinity, 5]);
  });

  it('rejects bad settings', () => {
    expect(() => checkLogitsProcess({ minNewTokens: 9 }, 8)).toThrow(/cannot exceed max new tokens/);
    expect(() => checkLogitsProcess({ repetitionPenalty: 0 }, 8)).toThrow(/repetition penalty must be a positive number/);
  });
});

describe('decoding options on tiny-t5', () => {
  let model: T5Model;
  let twoThreads: T5Model;
  beforeAll(async () => {
    model = (await T5Model.load(dir, { cacheDir: tmp.path, threads: 1 })).model;
    twoThreads = (await T5Model.load(dir, { cacheDir: tmp.path, threads: 2 })).model;
  });
  afterAll(async () => {
    await model?.release();
    await twoThreads?.release();
  });

  // The random tiny model never picks its EOS greedily; treating a token it does emit as EOS makes
  // rows finish at different steps.
  const firstAt = (ids: number[], token: number) => ids.indexOf(token, 1);
  const pickEos = (): number => {
    const counts = new Map<number, Set<number>>();
    for (const ids of ref.greedy.output_ids) for (const t of new Set(ids.slice(1))) counts.set(t, (counts.get(t) ?? new Set()).add(firstAt(ids, t)));
    return [...counts].sort((a, b) => b[1].size - a[1].size)[0][0];
  };
  const withEos = (m: T5Model, eos: number): T5Model => Object.create(m, { eosId: { value: eos } }) as T5Model;
  const truncated = (eos: number) => ref.greedy.output_ids.map((ids) => (firstAt(ids, eos) > 0 ? ids.slice(0, firstAt(ids, eos) + 1) : ids));

  it('the shrinking batch gives the same ids as the full one while rows finish at different steps', async () => {
    const eos = pickEos();
    const expected = truncated(eos);
    expect(new Set(expected.map((ids) => ids.length)).size).toBeGreaterThan(1);
    for (const shrinkAt of [0.01, 0.25, 1]) {
      const m = withEos(model, eos);
      const batchSizes: number[] = [];
      const step = m.step.bind(m);
      m.step = (ctx, tokens, past) => (batchSizes.push(tokens.length), step(ctx, tokens, past));
      const out = await decode(m, ref.input_ids, { maxNewTokens: 12, chooseToken: argmaxToken, shrinkAt });
      expect(out).toEqual(expected);
      expect(Math.min(...batchSizes) < ref.input_ids.length).toBe(shrinkAt < 1); // finished rows left the batch
    }
  });

  it('min new tokens: no EOS before it, and every sequence at least that long', async () => {
    const eos = pickEos();
    const early = truncated(eos).filter((ids) => ids.length - 1 < 12);
    expect(early.length).toBeGreaterThan(0);
    const min = Math.max(...early.map((ids) => ids.length - 1)) + 1;
    const forced = await decode(withEos(model, eos), ref.input_ids, { maxNewTokens: 12, minNewTokens: min, chooseToken: argmaxToken });
    for (const ids of forced) {
      expect(ids.length - 1).toBeGreaterThanOrEqual(min);
      expect(ids.slice(1, min)).not.toContain(eos);
    }
    expect(forced).not.toEqual(truncated(eos));
  });

  it('repetition penalty changes greedy output and stops immediate repeats when large', async () => {
    const plain = await greedyDecode(model, ref.input_ids, { maxNewTokens: 12 });
    const penalised = await decode(model, ref.input_ids, { maxNewTokens: 12, repetitionPenalty: 50, chooseToken: argmaxToken });
    expect(penalised).not.toEqual(plain);
    for (const ids of penalised) {
      const body = ids.slice(1).filter((t) => t !== 1);
      expect(new Set(body).size).toBe(body.length); // a 50× penalty pushes every seen token below the rest
    }
  });

  it('sampling: same seed → same ids whatever the batch size or thread count', async () => {
    const ids = ref.input_ids;
    const sample = async (m: T5Model, batch: number) => {
      const out: number[][] = [];
      for (let s = 0; s < ids.length; s += batch) {
        const passageIds = ids.slice(s, s + batch).map((_, k) => s + k);
        const chooseToken = samplingChooser(m.vocab, { seed: 5, topP: 0.95, temperature: 1, numReturnSequences: 3, passageIds });
        out.push(...(await decode(m, ids.slice(s, s + batch), { maxNewTokens: 10, numReturnSequences: 3, chooseToken })));
      }
      return out;
    };
    const one = await sample(model, 1);
    expect(await sample(model, ids.length)).toEqual(one);
    expect(await sample(model, 3)).toEqual(one);
    expect(await sample(twoThreads, 2)).toEqual(one);
  });
});
