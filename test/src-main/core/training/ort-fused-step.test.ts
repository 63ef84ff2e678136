// The fused training step (OrtEngine.stepGraph: every column's forward, the loss's graph form and the
// backward in one onnxruntime run) against the per-column path (engine.forward/backward with the
// host loss), both driven by step.ts's stepGradients: same loss, same parameter gradients, with and
// without dropout (same seeds), for MNR, MNR symmetric, MNR with negatives and MarginMSE.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EngineParamTensor } from '../../../../src-main/core/training/engine.js';
import type { TrainingLoss } from '../../../../src-main/core/training/losses/loss.js';
import { marginMseLoss } from '../../../../src-main/core/training/losses/margin-mse.js';
import { mnrLoss } from '../../../../src-main/core/training/losses/mnr.js';
import { OrtEngine } from '../../../../src-main/core/training/ort-engine.js';
import { stepGradients, type StepSettings } from '../../../../src-main/core/training/step.js';
import { fixture, REFERENCE_ADAMW, webgpuUnavailable } from './ort-fixture.js';

interface Case {
  name: string;
  loss: TrainingLoss;
  /** Text columns built from the fixture's 8 MNR pairs. */
  columns: (pairs: [string, string][]) => string[][];
  labels?: number[][];
}

const rotate = <T>(xs: T[], k: number) => [...xs.slice(k), ...xs.slice(0, k)];
const qp = (pairs: [string, string][]) => [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
const margins = Array.from({ length: 8 }, (_, i) => [0.5 + 0.25 * Math.sin(i)]);

const CASES: Case[] = [
  { name: 'MNR', loss: mnrLoss(), columns: qp },
  { name: 'MNR symmetric', loss: mnrLoss({ symmetric: true }), columns: qp },
  { name: 'MNR + 2 negative columns', loss: mnrLoss(), columns: (p) => [...qp(p), rotate(p, 3).map((x) => x[1]), rotate(p, 5).map((x) => x[0])] },
  { name: 'MarginMSE', loss: marginMseLoss(), columns: (p) => [...qp(p), rotate(p, 2).map((x) => x[1])], labels: margins },
];

async function engineFor(name: string, provider: 'cpu' | 'webgpu', fusedStep: boolean) {
  const f = fixture(name);
  const engine = await OrtEngine.create(f.opened.model, { adamw: REFERENCE_ADAMW, provider, threads: 2, fusedStep });
  return { ...f, engine };
}

async function stepOn(e: Awaited<ReturnType<typeof engineFor>>, c: Case, settings: StepSettings) {
  const pairs = e.ref.mnr.pairs as [string, string][];
  const r = await stepGradients(e.engine, e.opened.tokenize, c.loss, c.columns(pairs), c.labels, settings);
  return { loss: r.loss, grads: await e.engine.exportGrads() };
}

/** Worst difference over all gradient tensors, relative to each tensor's largest value (absolute below 1e-6). */
function gradMismatch(a: Map<string, EngineParamTensor>, b: Map<string, EngineParamTensor>): number {
  expect(a.size).toBe(b.size);
  let worst = 0;
  for (const [name, want] of b) {
    const got = a.get(name)!.data;
    let max = 0;
    let diff = 0;
    for (let i = 0; i < want.data.length; i++) {
      max = Math.max(max, Math.abs(want.data[i]));
      diff = Math.max(diff, Math.abs(want.data[i] - got[i]));
    }
    worst = Math.max(worst, max < 1e-6 ? diff / 1e-4 : diff / max);
  }
  return worst;
}

function settingsFor(dropout: number, seed = 17): StepSettings {
  return { maxSeqLength: 128, dropout, seed, step: 3 };
}

describe('ORT engine (cpu): the fused step equals the per-column path', () => {
  // One fused and one per-column engine per fixture, shared by the cases: a case only accumulates
  // gradients (no apply), and zeroGrad() starts the next step from zero, so the parameters stay the
  // fixture's; each engine keeps its sessions (the per-column passes, one step graph per loss).
  const engines = new Map<string, Promise<{ fused: Awaited<ReturnType<typeof engineFor>>; perColumn: Awaited<ReturnType<typeof engineFor>> }>>();
  const enginesFor = (name: string) => {
    let e = engines.get(name);
    if (!e) {
      e = Promise.all([engineFor(name, 'cpu', true), engineFor(name, 'cpu', false)]).then(([fused, perColumn]) => ({ fused, perColumn }));
      engines.set(name, e);
    }
    return e;
  };
  afterEach(async () => {
    for (const e of engines.values()) {
      const { fused, perColumn } = await e;
      await fused.engine.zeroGrad();
      await perColumn.engine.zeroGrad();
    }
  });
  afterAll(async () => {
    for (const e of engines.values()) {
      const { fused, perColumn } = await e;
      await fused.engine.dispose();
      await perColumn.engine.dispose();
    }
  });

  for (const name of ['tiny-bert', 'tiny-mpnet']) {
    for (const c of CASES) {
      it(`${name}, ${c.name}: loss within 1e-5, gradients within 1e-4, without and with dropout 0.1`, async () => {
        const { fused, perColumn } = await enginesFor(name);
        expect(perColumn.engine.stepGraph).toBeUndefined();
        const fusedBefore = fused.engine.fusedSteps;
        for (const p of [0, 0.1]) {
          const a = await stepOn(fused, c, settingsFor(p));
          const b = await stepOn(perColumn, c, settingsFor(p));
          expect(Math.abs(a.loss - b.loss), `loss, dropout ${p}`).toBeLessThan(1e-5);
          expect(gradMismatch(a.grads, b.grads), `gradients, dropout ${p}`).toBeLessThan(1e-4);
          await fused.engine.zeroGrad();
          await perColumn.engine.zeroGrad();
        }
        expect(fused.engine.fusedSteps - fusedBefore).toBe(2);
        expect(perColumn.engine.fusedSteps).toBe(0);
      });
    }
  }

  it('tiny-bert: the comparison notices other dropout masks (another seed) and a missing column', async () => {
    const { fused, perColumn } = await enginesFor('tiny-bert');
    const c = CASES[2];
    const a = await stepOn(fused, c, settingsFor(0.1, 18));
    const b = await stepOn(perColumn, c, settingsFor(0.1, 17));
    expect(gradMismatch(a.grads, b.grads)).toBeGreaterThan(1e-2);
    await fused.engine.zeroGrad();
    await perColumn.engine.zeroGrad();
    const three = { ...c, columns: (p: [string, string][]) => c.columns(p).slice(0, 3) };
    const x = await stepOn(fused, three, settingsFor(0));
    const y = await stepOn(perColumn, c, settingsFor(0));
    expect(gradMismatch(x.grads, y.grads)).toBeGreaterThan(1e-2);
  });

  it('GradCache (mini-batches) takes the per-column path; a second stepGraph without apply is an error', async () => {
    const { fused: e } = await enginesFor('tiny-bert');
    const before = e.engine.fusedSteps;
    await stepOn(e, CASES[0], { ...settingsFor(0), miniBatchSize: 3 });
    expect(e.engine.fusedSteps).toBe(before);
    await e.engine.zeroGrad();
    await stepOn(e, CASES[0], settingsFor(0));
    expect(e.engine.fusedSteps).toBe(before + 1);
    await expect(stepOn(e, CASES[0], settingsFor(0))).rejects.toThrow(/gradients already accumulated/);
  });
});

describe('ORT engine (webgpu): the fused step equals the per-column path', async () => {
  const reason = await webgpuUnavailable();
  if (reason && process.env.CI) throw new Error(`WebGPU adapter required on CI: ${reason}`);
  it.skipIf(!!reason)('tiny-bert, MNR with dropout 0.1: loss within 1e-5, gradients within 1e-4', async () => {
    const fused = await engineFor('tiny-bert', 'webgpu', true);
    const perColumn = await engineFor('tiny-bert', 'webgpu', false);
    const a = await stepOn(fused, CASES[0], settingsFor(0.1));
    const b = await stepOn(perColumn, CASES[0], settingsFor(0.1));
    expect(fused.engine.fusedSteps).toBe(1);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
    expect(gradMismatch(a.grads, b.grads)).toBeLessThan(1e-4);
    await fused.engine.apply(1e-3, 1);
    const moved = fused.engine.transferStats();
    expect(moved.hostToDevice + moved.deviceToHost).toBeLessThan(100_000);
    await fused.engine.dispose();
    await perColumn.engine.dispose();
  });
});
