// The 12-step AdamW run of reference.json `training` (lr 1e-3, warmup 3, clip 1.0, batches in
// order, dropout off) against PyTorch's losses and final weights — tight enough that a wrong weight
// decay fails (weightDecayCheck, and a test that decay 0 and 2× do fail); then resuming from a
// mid-run checkpoint must land on exactly the same weights.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { useBackend } from '../../../../src-main/core/training/backend.js';
import { disposeParams, openTrainableModel } from '../../../../src-main/core/training/trainable.js';
import { DEFAULT_SETTINGS, train, type TrainSettings } from '../../../../src-main/core/training/trainer.js';
import { weightDecayCheck, type WeightArrays } from './training-fixture.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'genq-traj-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function referenceSettings(checkpointDir?: string, weightDecay = 0.01): TrainSettings {
  return { ...DEFAULT_SETTINGS, batchSize: 8, steps: 12, lr: 1e-3, warmupSteps: 3, adamEps: 1e-6, weightDecay, maxSeqLength: 128, dropout: 0, shuffle: false, checkpointDir, checkpointEvery: 6 };
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('12-step AdamW trajectory matches PyTorch', () => {
  for (const name of ['tiny-bert', 'tiny-mpnet']) {
    it(`${name}: losses within 1e-3, final weights within 1e-4, resume reproduces the run`, async () => {
      await useBackend('wasm');
      const dir = join(FIXTURES, name);
      const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')).training;
      const pairs = (ref.pairs as [string, string][]).map(([query, passage]) => ({ query, passage }));
      const model = openTrainableModel(dir);
      const lrs: number[] = [];
      const ckDir = join(tmp, name);
      const result = await train(model, pairs, referenceSettings(ckDir), { onStep: (e) => lrs.push(e.lr) });
      expect(result.steps).toBe(12);
      lrs.forEach((lr, i) => expect(lr).toBeCloseTo(ref.lrs[i], 12));
      result.losses.forEach((l, i) => expect(Math.abs(l - ref.losses[i]), `step ${i}`).toBeLessThan(1e-3));
      const after = readSafetensors(join(dir, 'reference_after_training.safetensors'));
      const final = new Map([...model.params].map(([k, t]) => [k, t.dataSync() as Float32Array]));
      for (const pname of after.tensors.keys()) expect(maxRelDiff(final.get(pname)!, after.float32(pname)), pname).toBeLessThan(1e-4);
      expect(weightDecayCheck(final, new Map([...after.tensors.keys()].map((k) => [k, after.float32(k)])), ref.lrs, 0.01)).toEqual([]);
      disposeParams(model.params);

      // Resume from the step-6 checkpoint into a fresh model: same losses after it, same weights.
      const again = openTrainableModel(dir);
      const resumed = await train(again, pairs, referenceSettings(join(tmp, `${name}-resumed`)), {}, join(ckDir, 'step-0000006'));
      expect(resumed.losses).toEqual(result.losses);
      for (const [pname, t] of again.params) expect(maxRelDiff(t.dataSync() as Float32Array, final.get(pname)!), pname).toBe(0);
      disposeParams(again.params);
    });
  }
});

describe('the trajectory check catches a wrong weight decay', () => {
  it('tiny-bert trained with decay 0 or 2× (else identical) fails weightDecayCheck, though it passes the 1e-4 absolute check', async () => {
    await useBackend('wasm');
    const dir = join(FIXTURES, 'tiny-bert');
    const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')).training;
    const pairs = (ref.pairs as [string, string][]).map(([query, passage]) => ({ query, passage }));
    const after = readSafetensors(join(dir, 'reference_after_training.safetensors'));
    const want: WeightArrays = new Map([...after.tensors.keys()].map((k) => [k, after.float32(k)]));
    for (const wd of [0, 0.02]) {
      const model = openTrainableModel(dir);
      await train(model, pairs, referenceSettings(undefined, wd));
      const final: WeightArrays = new Map([...model.params].map(([k, t]) => [k, t.dataSync() as Float32Array]));
      const worstAbs = Math.max(...[...want].map(([k, w]) => maxRelDiff(final.get(k)!, w)));
      expect(worstAbs, `decay ${wd}: the old absolute check`).toBeLessThan(1e-4);
      expect(weightDecayCheck(final, want, ref.lrs, 0.01).length, `decay ${wd}`).toBeGreaterThan(30);
      disposeParams(model.params);
    }
  });
});
