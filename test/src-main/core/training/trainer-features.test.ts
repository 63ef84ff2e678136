// No-duplicates batching, GradCache equivalence (with dropout on), divergence stop, early stopping,
// abort, and checkpoint-directory resume.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../../../src-main/core/training/backend.js';
import { epochBatches, noDuplicateBatches, type Pair } from '../../../../src-main/core/training/batches.js';
import { latestCheckpoint } from '../../../../src-main/core/training/checkpoint.js';
import { mnrLoss } from '../../../../src-main/core/training/losses/mnr.js';
import { stepGradients } from '../../../../src-main/core/training/step.js';
import { TfjsEngine } from '../../../../src-main/core/training/tfjs-engine.js';
import { disposeParams, openTrainableModel, tokenizeBatch } from '../../../../src-main/core/training/trainable.js';
import { DEFAULT_SETTINGS, train, TrainingDivergedError, type TrainSettings } from '../../../../src-main/core/training/trainer.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const DIR = join(import.meta.dirname, '../../../fixtures/tiny-bert');
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8'));
const PAIRS: Pair[] = (ref.training.pairs as [string, string][]).map(([query, passage]) => ({ query, passage }));
const tempDir = useTempDirs('genq-trainer-');
const base: TrainSettings = { ...DEFAULT_SETTINGS, batchSize: 8, epochs: 1, lr: 1e-3, maxSeqLength: 64, dropout: 0 };

describe('no-duplicates batching', () => {
  // GenQ-style data: 3 queries per passage, so consecutive pairs share a passage.
  const genq: Pair[] = [];
  for (let p = 0; p < 20; p++) for (let q = 0; q < 3; q++) genq.push({ query: `q${p}-${q}`, passage: `passage ${p}` });

  it('never puts a passage or query text twice in a batch, and uses every pair once', () => {
    const batches = epochBatches(genq, 8, { shuffle: true, seed: 1, epoch: 0 });
    for (const b of batches) {
      const texts = b.flatMap((i) => [genq[i].query, genq[i].passage]);
      expect(new Set(texts).size).toBe(texts.length);
    }
    expect(batches.flat().sort((a, b) => a - b)).toEqual(genq.map((_, i) => i));
  });

  it('is seeded: same seed and epoch → same batches, another epoch → another order', () => {
    expect(epochBatches(genq, 8, { shuffle: true, seed: 1, epoch: 0 })).toEqual(epochBatches(genq, 8, { shuffle: true, seed: 1, epoch: 0 }));
    expect(epochBatches(genq, 8, { shuffle: true, seed: 1, epoch: 1 })).not.toEqual(epochBatches(genq, 8, { shuffle: true, seed: 1, epoch: 0 }));
  });

  it('without shuffle keeps file-order slices, and reorders only when a slice has a duplicate', () => {
    expect(epochBatches(PAIRS, 8, { shuffle: false, seed: 0, epoch: 0 })[1]).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    const reordered = epochBatches(genq, 4, { shuffle: false, seed: 0, epoch: 0 });
    expect(reordered[0]).toEqual([0, 3, 6, 9]);
    expect(noDuplicateBatches([{ query: 'a', passage: 'a' }, { query: 'b', passage: 'c' }], [0, 1], 4)).toEqual([]);
  });
});

describe('trainer', () => {
  it('GradCache mini-batches give the same loss and gradients as the full batch; dropout is seeded', async () => {
    await useBackend('wasm');
    const model = openTrainableModel(DIR);
    const q = PAIRS.slice(0, 8).map((p) => p.query);
    const p = PAIRS.slice(0, 8).map((p) => p.passage);
    const settings = { maxSeqLength: 64, seed: 7, step: 3, dropout: 0 };
    const loss = mnrLoss({ scale: 20, symmetric: true });
    const tokenize = (texts: string[], max: number) => tokenizeBatch(model, texts, max);
    // Runs one step's gradients on a fresh engine over the same weights and hands back loss + gradients.
    const run = async (s: { maxSeqLength: number; seed: number; step: number; dropout: number; miniBatchSize?: number }) => {
      const engine = TfjsEngine.forModel(model, { adamw: { beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0 } });
      const r = await stepGradients(engine, tokenize, loss, [q, p], undefined, s);
      return { loss: r.loss, grads: engine.grads };
    };
    const full = await run(settings);
    const cached = await run({ ...settings, miniBatchSize: 3 });
    expect(Math.abs(full.loss - cached.loss)).toBeLessThan(1e-5);
    for (const [name, g] of full.grads.grads) {
      if (name.endsWith('key.bias')) continue; // analytically zero gradient: both sides are rounding noise
      const a = g.dataSync();
      const b = cached.grads.grads.get(name)!.dataSync();
      let max = 1e-6;
      let diff = 0;
      for (let i = 0; i < a.length; i++) {
        max = Math.max(max, Math.abs(a[i]));
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
      }
      expect(diff / max, name).toBeLessThan(1e-4);
    }
    // With the config's dropout (0.1) the masks depend on (seed, step) only: reproducible, and active.
    const withDropout = { ...settings, dropout: 0.1, miniBatchSize: 3 };
    const d1 = await run(withDropout);
    const d2 = await run(withDropout);
    const d3 = await run({ ...withDropout, step: 4 });
    expect(d1.loss).toBe(d2.loss);
    expect(Math.abs(d1.loss - full.loss)).toBeGreaterThan(1e-4);
    expect(d3.loss).not.toBe(d1.loss);
    [full, cached, d1, d2, d3].forEach((r) => r.grads.dispose());
    disposeParams(model.params);
  });

  it('stops with a clear message when the loss becomes NaN', async () => {
    await useBackend('wasm');
    const model = openTrainableModel(DIR);
    const w = model.params.get('embeddings.LayerNorm.weight')!;
    model.params.set('embeddings.LayerNorm.weight', tf.fill(w.shape, NaN));
    w.dispose();
    await expect(train(model, PAIRS.slice(0, 16), base)).rejects.toThrow(TrainingDivergedError);
    await expect(train(model, PAIRS.slice(0, 16), base)).rejects.toThrow(/diverged at step 0: loss NaN/);
    disposeParams(model.params);
  });

  it('evaluates each epoch, stops early on no improvement, checkpoints, aborts and resumes', async () => {
    await useBackend('wasm');
    const model = openTrainableModel(DIR);
    const ckDir = tempDir();
    const seen: number[] = [];
    const scores = [0.5, 0.4, 0.3, 0.9];
    const result = await train(model, PAIRS.slice(0, 16), { ...base, epochs: 4, earlyStoppingPatience: 2, checkpointDir: ckDir }, {
      evaluate: async ({ epoch, embed }) => {
        seen.push(epoch);
        expect((await embed(['a query']))[0].length).toBe(64);
        return { score: scores[epoch], metrics: { mrr10: scores[epoch] } };
      },
    });
    expect(result.stopped).toBe('early-stopping');
    expect(seen).toEqual([0, 1, 2]);
    expect(result.steps).toBe(6);
    expect(latestCheckpoint(ckDir)).toMatch(/step-0000006$/);

    const abort = new AbortController();
    const abortDir = tempDir();
    const aborted = await train(model, PAIRS.slice(0, 32), { ...base, checkpointDir: abortDir, checkpointEvery: 1 }, { onStep: (e) => e.step === 1 && abort.abort(), signal: abort.signal });
    expect(aborted).toMatchObject({ stopped: 'aborted', steps: 2 });
    expect(readdirSync(abortDir).sort()).toEqual(['step-0000001', 'step-0000002']); // older ones pruned (keep 2)
    // Resuming from the checkpoint directory finishes the remaining 2 steps of the 4-step epoch.
    const resumed = await train(model, PAIRS.slice(0, 32), { ...base, checkpointDir: abortDir, checkpointEvery: 1 }, {}, true);
    expect(resumed).toMatchObject({ stopped: 'completed', steps: 4 });
    expect(resumed.losses.slice(0, 2)).toEqual(aborted.losses);
    disposeParams(model.params);
  });
});
