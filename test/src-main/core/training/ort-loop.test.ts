// The training loop (trainer.ts runTraining) on the onnxruntime engine: the fixture's 12 reference
// steps through the loop match PyTorch, resuming from the loop's step-6 checkpoint reproduces the
// run exactly on ORT, and the same checkpoint resumed on the tfjs engine lands on PyTorch's weights
// too (checkpoints work across engines).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { pairExamples } from '../../../../src-main/core/training/batches.js';
import { createEngine } from '../../../../src-main/core/training/engines.js';
import type { TrainingEngine } from '../../../../src-main/core/training/engine.js';
import { mnrLoss } from '../../../../src-main/core/training/losses/mnr.js';
import type { OrtEngine } from '../../../../src-main/core/training/ort-engine.js';
import { adamwOptions, DEFAULT_SETTINGS, runTraining, type TrainSettings } from '../../../../src-main/core/training/trainer.js';
import { fixture } from './ort-fixture.js';
import { weightDecayCheck } from './training-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'genq-ort-loop-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function settings(checkpointDir: string): TrainSettings {
  return { ...DEFAULT_SETTINGS, batchSize: 8, steps: 12, lr: 1e-3, warmupSteps: 3, adamEps: 1e-6, weightDecay: 0.01, maxSeqLength: 128, dropout: 0, shuffle: false, checkpointDir, checkpointEvery: 6 };
}

async function weights(engine: TrainingEngine): Promise<Map<string, Float32Array>> {
  return new Map([...(await engine.exportParams())].map(([k, t]) => [k, t.data]));
}

describe('training loop on the ORT engine', () => {
  it('tiny-bert: 12 reference steps match PyTorch; resume on ORT is exact, on tfjs within tolerance', async () => {
    const f = fixture('tiny-bert');
    const t = f.ref.training;
    const s = settings(join(tmp, 'run'));
    const input = (engine: TrainingEngine) => ({ engine, tokenize: f.opened.tokenize, loss: mnrLoss({ scale: 20 }), examples: pairExamples((t.pairs as [string, string][]).map(([query, passage]) => ({ query, passage }))), defaultDropout: 0 });
    const after = readSafetensors(join(f.dir, 'reference_after_training.safetensors'));
    const reference = new Map([...after.tensors.keys()].map((k) => [k, after.float32(k)]));

    const ort = await createEngine('ort', f.opened.model, { adamw: adamwOptions(s), provider: 'cpu', threads: 2 });
    expect(ort.device).toMatchObject({ engine: 'ort', provider: 'cpu' });
    const result = await runTraining(input(ort), s);
    expect((ort as OrtEngine).fusedSteps, 'steps run as one fused step graph').toBe(12);
    result.losses.forEach((l, i) => expect(Math.abs(l - t.losses[i]), `step ${i}`).toBeLessThan(1e-3));
    const final = await weights(ort);
    expect(weightDecayCheck(final, reference, t.lrs, 0.01)).toEqual([]);
    await ort.dispose();

    const checkpoint = join(tmp, 'run', 'step-0000006');
    const again = await createEngine('ort', fixture('tiny-bert').opened.model, { adamw: adamwOptions(s), provider: 'cpu', threads: 2 });
    const resumed = await runTraining(input(again), settings(join(tmp, 'resumed')), {}, checkpoint);
    expect(resumed.losses).toEqual(result.losses);
    const got = await weights(again);
    for (const [k, want] of final) expect(got.get(k), k).toEqual(want);
    await again.dispose();

    const tfjs = await createEngine('tfjs', fixture('tiny-bert').opened.model, { adamw: adamwOptions(s), backend: 'wasm' });
    const crossed = await runTraining(input(tfjs), settings(join(tmp, 'crossed')), {}, checkpoint);
    crossed.losses.forEach((l, i) => expect(Math.abs(l - t.losses[i]), `step ${i}`).toBeLessThan(1e-3));
    expect(weightDecayCheck(await weights(tfjs), reference, t.lrs, 0.01)).toEqual([]);
    await tfjs.dispose();
  });
});
