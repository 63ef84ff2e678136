// Checkpoints work across engines (one on-disk format through exportParams/exportOptimizer/
// importState): 6 steps of the reference run on one engine, the other 6 resumed on the other engine
// from the step-6 checkpoint, land on PyTorch's final weights (1e-4, decay-sensitive) both ways.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { pairExamples } from '../../../../src-main/core/training/batches.js';
import { createEngine, openTrainingModel } from '../../../../src-main/core/training/engines.js';
import { mnrLoss } from '../../../../src-main/core/training/losses/mnr.js';
import { adamwOptions, DEFAULT_SETTINGS, runTraining, type TrainSettings } from '../../../../src-main/core/training/trainer.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { weightDecayCheck, type WeightArrays } from './training-fixture.js';

const DIR = join(import.meta.dirname, '../../../fixtures/tiny-bert');
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')).training;
const tempDir = useTempDirs('genq-cross-engine-');

async function run(engineName: 'ort' | 'tfjs', s: TrainSettings, opts: { stopAfter?: number; resume?: string }) {
  const opened = openTrainingModel(DIR);
  const engine = await createEngine(engineName, opened.model, { adamw: adamwOptions(s), provider: 'cpu', backend: 'wasm' });
  const abort = new AbortController();
  try {
    const result = await runTraining(
      { engine, tokenize: opened.tokenize, loss: mnrLoss(), examples: pairExamples((ref.pairs as [string, string][]).map(([query, passage]) => ({ query, passage }))), defaultDropout: 0 },
      s,
      { signal: abort.signal, onStep: (e) => e.step === opts.stopAfter && abort.abort() },
      opts.resume,
    );
    return { result, final: new Map([...(await engine.exportParams())].map(([k, t]) => [k, t.data])) as WeightArrays };
  } finally {
    await engine.dispose();
  }
}

describe('resume across engines', () => {
  for (const [first, second] of [['tfjs', 'ort'], ['ort', 'tfjs']] as const) {
    it(`${first} steps 0–5, then ${second} from the step-6 checkpoint: PyTorch's losses and final weights`, async () => {
      const ck = tempDir();
      const s: TrainSettings = { ...DEFAULT_SETTINGS, batchSize: 8, steps: 12, lr: 1e-3, warmupSteps: 3, weightDecay: 0.01, adamEps: 1e-6, maxSeqLength: 128, dropout: 0, shuffle: false, checkpointDir: ck, checkpointEvery: 6 };
      const a = await run(first, s, { stopAfter: 5 });
      expect(a.result).toMatchObject({ stopped: 'aborted', steps: 6 });
      const b = await run(second, s, { resume: join(ck, 'step-0000006') });
      expect(b.result.steps).toBe(12);
      b.result.losses.forEach((l, i) => expect(Math.abs(l - ref.losses[i]), `step ${i}`).toBeLessThan(1e-3));
      const after = readSafetensors(join(DIR, 'reference_after_training.safetensors'));
      const want: WeightArrays = new Map([...after.tensors.keys()].map((k) => [k, after.float32(k)]));
      for (const [k, w] of want) {
        let d = 0;
        for (let i = 0; i < w.length; i++) d = Math.max(d, Math.abs(w[i] - b.final.get(k)![i]));
        expect(d, k).toBeLessThan(1e-4);
      }
      expect(weightDecayCheck(b.final, want, ref.lrs, 0.01)).toEqual([]);
    });
  }
});
