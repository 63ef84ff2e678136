// One MultipleNegativesRankingLoss step against PyTorch/sentence-transformers' reference loss and
// parameter gradients (dropout off), on the wasm and cpu backends: the tfjs engine's forwards and
// backwards driven by the engine-agnostic step (step.ts) with the host loss (losses/mnr.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { useBackend } from '../../../../src-main/core/training/backend.js';
import { mnrLoss } from '../../../../src-main/core/training/losses/mnr.js';
import { stepGradients } from '../../../../src-main/core/training/step.js';
import { TfjsEngine } from '../../../../src-main/core/training/tfjs-engine.js';
import { disposeParams, openTrainableModel, tokenizeBatch } from '../../../../src-main/core/training/trainable.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures');

async function mnrStep(name: string, backend: 'wasm' | 'cpu') {
  await useBackend(backend);
  const dir = join(FIXTURES, name);
  const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
  const model = openTrainableModel(dir);
  const pairs = ref.mnr.pairs as [string, string][];
  const engine = TfjsEngine.forModel(model, { adamw: { beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0 } });
  const { grads } = engine;
  const { loss } = await stepGradients(engine, (t, max) => tokenizeBatch(model, t, max), mnrLoss({ scale: ref.mnr.scale }), [pairs.map((p) => p[0]), pairs.map((p) => p[1])], undefined, {
    maxSeqLength: model.folder.maxSeqLength, dropout: 0, seed: 0, step: 0,
  });
  const refGrads = readSafetensors(join(dir, 'reference_grads.safetensors'));
  const worst: Array<[string, number]> = [];
  for (const gname of refGrads.tensors.keys()) {
    const want = refGrads.float32(gname);
    const got = grads.grads.get(gname)?.dataSync();
    expect(got, `gradient ${gname}`).toBeDefined();
    let max = 0;
    let diff = 0;
    for (let i = 0; i < want.length; i++) {
      max = Math.max(max, Math.abs(want[i]));
      diff = Math.max(diff, Math.abs(want[i] - got![i]));
    }
    // The key bias gets an analytically zero gradient (softmax ignores a per-query constant); both
    // sides hold float rounding noise (~1e-9) there, so tiny tensors are compared absolutely.
    worst.push([gname, max < 1e-6 ? diff / 1e-4 : diff / max]);
  }
  expect(grads.grads.size).toBe(refGrads.tensors.size);
  grads.dispose();
  disposeParams(model.params);
  return { loss, refLoss: ref.mnr.loss as number, worst };
}

describe('MNR step matches sentence-transformers', () => {
  for (const [name, backend] of [['tiny-bert', 'wasm'], ['tiny-mpnet', 'wasm'], ['tiny-bert', 'cpu']] as const) {
    it(`${name} on ${backend}: loss within 1e-5, gradients within 1e-4 of each tensor's max`, async () => {
      const { loss, refLoss, worst } = await mnrStep(name, backend);
      expect(Math.abs(loss - refLoss)).toBeLessThan(1e-5);
      for (const [gname, rel] of worst) expect(rel, gname).toBeLessThan(1e-4);
      expect(worst.length).toBeGreaterThan(30);
    });
  }
});
