// The fixtures' 12-step AdamW runs (reference.json `training`: lr 1e-3, warmup 3, clip 1.0, wd 0.01,
// dropout off) on the onnxruntime engine against PyTorch's losses and final weights, alone and with
// GradCache; a wrong weight decay (0 or doubled) must fail the final-weights check; resuming from
// exported parameters + optimizer state lands on the same weights as the uninterrupted run.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { OrtEngine } from '../../../../src-main/core/training/ort-engine.js';
import { fixture, ortEngine, REFERENCE_ADAMW, referenceSteps } from './ort-fixture.js';
import { weightDecayCheck } from './training-fixture.js';

function referenceAfter(dir: string): Map<string, Float32Array> {
  const after = readSafetensors(join(dir, 'reference_after_training.safetensors'));
  return new Map([...after.tensors.keys()].map((k) => [k, after.float32(k)]));
}

async function finalWeights(engine: OrtEngine): Promise<Map<string, Float32Array>> {
  return new Map([...(await engine.exportParams())].map(([k, t]) => [k, t.data]));
}

/**
 * tiny-mpnet's uninterrupted 12 reference steps (fused), with the parameters and optimizer state
 * exported after step 6: the trajectory test checks the run against PyTorch, the resume test resumes
 * a fresh engine from the step-6 state. One run for both (whichever test comes first makes it).
 */
let mpnetRun: ReturnType<typeof wholeMpnetRun> | undefined;
async function wholeMpnetRun() {
  const f = await ortEngine('tiny-mpnet', 'cpu');
  try {
    const losses = await referenceSteps(f.engine, f, { to: 6 });
    const atSix = { params: await f.engine.exportParams(), optimizer: await f.engine.exportOptimizer() };
    losses.push(...(await referenceSteps(f.engine, f, { from: 6 })));
    return { f, losses, fusedSteps: f.engine.fusedSteps, final: await finalWeights(f.engine), atSix };
  } finally {
    await f.engine.dispose();
  }
}

describe('ORT engine (cpu): 12-step AdamW trajectory matches PyTorch', () => {
  for (const name of ['tiny-bert', 'tiny-mpnet']) {
    for (const mini of [undefined, 3]) {
      it(`${name}${mini ? ' with GradCache (mini-batch 3)' : ''}: losses within 1e-3, final weights within the decay-aware tolerance`, async () => {
        if (name === 'tiny-mpnet' && !mini) {
          const { f, losses, fusedSteps, final } = await (mpnetRun ??= wholeMpnetRun());
          expect(fusedSteps, 'steps run as one fused step graph').toBe(12);
          losses.forEach((l, i) => expect(Math.abs(l - f.ref.training.losses[i]), `step ${i}`).toBeLessThan(1e-3));
          expect(weightDecayCheck(final, referenceAfter(f.dir), f.ref.training.lrs, 0.01)).toEqual([]);
          return;
        }
        const f = await ortEngine(name, 'cpu');
        const losses = await referenceSteps(f.engine, f, { mini });
        expect(f.engine.fusedSteps, 'steps run as one fused step graph').toBe(mini ? 0 : 12);
        losses.forEach((l, i) => expect(Math.abs(l - f.ref.training.losses[i]), `step ${i}`).toBeLessThan(1e-3));
        expect(weightDecayCheck(await finalWeights(f.engine), referenceAfter(f.dir), f.ref.training.lrs, 0.01)).toEqual([]);
        await f.engine.dispose();
      });
    }
  }

  it('tiny-bert: weight decay 0 or doubled fails the final-weights check', async () => {
    for (const weightDecay of [0, 0.02]) {
      const f = await ortEngine('tiny-bert', 'cpu', { ...REFERENCE_ADAMW, weightDecay });
      await referenceSteps(f.engine, f);
      const failures = weightDecayCheck(await finalWeights(f.engine), referenceAfter(f.dir), f.ref.training.lrs, 0.01);
      expect(failures.length, `weight decay ${weightDecay}`).toBeGreaterThan(30);
      await f.engine.dispose();
    }
  });

  it('tiny-mpnet: resuming from exported parameters and optimizer state reproduces the run', async () => {
    const { losses: whole, final: expected, atSix } = await (mpnetRun ??= wholeMpnetRun());
    const { params, optimizer } = atSix;
    expect(optimizer.step).toBe(6);

    const again = fixture('tiny-mpnet');
    const resumed = await OrtEngine.create(again.opened.model, { adamw: REFERENCE_ADAMW, provider: 'cpu', threads: 2 });
    await resumed.importState(params, optimizer);
    const rest = await referenceSteps(resumed, again, { from: 6 });
    expect(resumed.fusedSteps).toBe(6);
    expect(rest).toEqual(whole.slice(6));
    const got = await finalWeights(resumed);
    for (const [k, want] of expected) {
      let d = 0;
      for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got.get(k)![i] - want[i]));
      expect(d, k).toBe(0);
    }
    await resumed.dispose();
  });
});
