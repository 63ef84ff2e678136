// MarginMSELoss against PyTorch (test/fixtures/margin-mse, made by make_reference.py): the loss and
// dLoss/dEmbedding for dot and cosine scores with 1 and 2 negatives; the label-shape refusal; and a
// 12-step MarginMSE trajectory on tiny-bert (tfjs engine, the one loop) against PyTorch's losses and
// final weights, with the weight-decay-sensitive check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { useBackend } from '../../../../src-main/core/training/backend.js';
import { LossInputError } from '../../../../src-main/core/training/losses/loss.js';
import { marginMseLoss, marginMseLossHost, type MarginScore } from '../../../../src-main/core/training/losses/margin-mse.js';
import { TfjsEngine } from '../../../../src-main/core/training/tfjs-engine.js';
import { disposeParams, openTrainableModel, tokenizeBatch } from '../../../../src-main/core/training/trainable.js';
import { adamwOptions, DEFAULT_SETTINGS, runTraining, type TrainSettings } from '../../../../src-main/core/training/trainer.js';
import { tripletExamples } from '../../../../src-main/core/training/training-data.js';
import { weightDecayCheck, type WeightArrays } from './training-fixture.js';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/margin-mse');
const TINY_BERT = join(import.meta.dirname, '../../../fixtures/tiny-bert');
const ref = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8'));

interface LossCase { score: MarginScore; negatives: number; batch: number; hidden: number; columns: number[][]; labels: number[]; loss: number; grads: number[][] }

describe('MarginMSE loss', () => {
  for (const c of ref.loss_cases as LossCase[]) {
    it(`${c.score}, ${c.negatives} negative(s): loss and dEmb match torch (mse_loss on score differences)`, () => {
      const r = marginMseLossHost(c.columns.map((x) => Float32Array.from(x)), c.batch, c.hidden, Float32Array.from(c.labels), c.score);
      expect(Math.abs(r.loss - c.loss) / Math.abs(c.loss)).toBeLessThan(1e-9);
      r.dEmb.forEach((d, col) => d.forEach((v, i) => expect(Math.abs(v - c.grads[col][i]), `column ${col} [${i}]`).toBeLessThan(1e-6 * (1 + Math.abs(c.grads[col][i])))));
    });
  }

  it('refuses labels of the wrong shape, saying what it expected', () => {
    const cols = [new Float32Array(6), new Float32Array(6), new Float32Array(6)];
    expect(() => marginMseLossHost(cols, 3, 2, new Float32Array(2))).toThrow(LossInputError);
    expect(() => marginMseLossHost(cols, 3, 2, new Float32Array(2))).toThrow(/expected labels of shape \[3\].*got 2 values/);
    expect(() => marginMseLossHost(cols, 3, 2, undefined)).toThrow(/got none/);
    expect(() => marginMseLossHost([...cols, new Float32Array(6)], 3, 2, new Float32Array(3))).toThrow(/shape \[3, 2\]/);
  });
});

describe('MarginMSE trajectory matches PyTorch', () => {
  it('tiny-bert, 12 steps (lr 1e-3, warmup 3, wd 0.01, clip 1): losses within 1e-3, final weights within 1e-4 and decay-sensitive', async () => {
    await useBackend('wasm');
    const t = ref.training;
    const model = openTrainableModel(TINY_BERT);
    const settings: TrainSettings = { ...DEFAULT_SETTINGS, batchSize: 8, steps: 12, lr: 1e-3, warmupSteps: 3, weightDecay: 0.01, adamEps: 1e-6, maxSeqLength: 128, dropout: 0, shuffle: false };
    const engine = TfjsEngine.forModel(model, { adamw: adamwOptions(settings) });
    const lrs: number[] = [];
    const result = await runTraining(
      { engine, tokenize: (texts, max) => tokenizeBatch(model, texts, max), loss: marginMseLoss(), examples: tripletExamples(t.triplets), defaultDropout: 0 },
      settings,
      { onStep: (e) => lrs.push(e.lr) },
    );
    expect(result.steps).toBe(12);
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(t.lrs[i], 12));
    result.losses.forEach((l: number, i: number) => expect(Math.abs(l - t.losses[i]), `step ${i}`).toBeLessThan(1e-3));
    const after = readSafetensors(join(FIXTURE, 'reference_after_training.safetensors'));
    const want: WeightArrays = new Map([...after.tensors.keys()].map((k) => [k, after.float32(k)]));
    const final = new Map([...(await engine.exportParams())].map(([k, v]) => [k, v.data]));
    for (const [k, w] of want) {
      let d = 0;
      for (let i = 0; i < w.length; i++) d = Math.max(d, Math.abs(w[i] - final.get(k)![i]));
      expect(d, k).toBeLessThan(1e-4);
    }
    expect(weightDecayCheck(final, want, t.lrs, 0.01)).toEqual([]);
    await engine.dispose();
    disposeParams(model.params);
  });
});
