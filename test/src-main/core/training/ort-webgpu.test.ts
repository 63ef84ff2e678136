// The onnxruntime WebGPU provider (Dawn; on CI Mesa's lavapipe): training gradients and 12-step
// trajectories against PyTorch, and inference (embeddings, cross-encoder scores, T5 greedy) equal to
// the CPU provider on every fixture. On CI (env CI) a missing adapter fails; locally it skips.
// A long test file: lavapipe compiles shaders per session (~6 s each) and runs kernels on the CPU.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CrossEncoder } from '../../../../src-main/core/curation/cross-encoder.js';
import { greedyDecode } from '../../../../src-main/core/generation/greedy.js';
import { Embedder } from '../../../../src-main/core/models/embedder.js';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { T5Model } from '../../../../src-main/core/models/t5/t5-model.js';
import { FIXTURES } from '../models/fixtures.js';
import { mnrPass, ortEngine, referenceSteps, webgpuUnavailable } from './ort-fixture.js';
import { weightDecayCheck } from './training-fixture.js';

const missing = await webgpuUnavailable();
const onCi = !!process.env.CI;
const run = !missing || onCi;

describe.skipIf(!run)('WebGPU provider', () => {
  it('has an adapter (required on CI)', () => {
    expect(missing).toBeNull();
  });

  for (const name of ['tiny-bert', 'tiny-mpnet']) {
    it(`${name}: MNR loss and gradients match the PyTorch fixture`, async () => {
      const { dir, ref, opened, engine } = await ortEngine(name, 'webgpu');
      expect(engine.device.provider).toBe('webgpu');
      const loss = await mnrPass(engine, opened.tokenize, ref.mnr.pairs, opened.model.folder.maxSeqLength, ref.mnr.scale);
      expect(Math.abs(loss - ref.mnr.loss)).toBeLessThan(1e-5);
      const grads = await engine.exportGrads();
      const refGrads = readSafetensors(join(dir, 'reference_grads.safetensors'));
      for (const gname of refGrads.tensors.keys()) {
        const want = refGrads.float32(gname);
        const got = grads.get(gname)!.data;
        let max = 0;
        let diff = 0;
        for (let i = 0; i < want.length; i++) {
          max = Math.max(max, Math.abs(want[i]));
          diff = Math.max(diff, Math.abs(want[i] - got[i]));
        }
        expect(max < 1e-6 ? diff / 1e-4 : diff / max, gname).toBeLessThan(1e-4);
      }
      // Per step the host sends ids, masks, dEmb and scalars: nowhere near the parameters' size.
      await engine.apply(1e-3, 1);
      const moved = engine.transferStats();
      expect(moved.hostToDevice + moved.deviceToHost).toBeLessThan(100_000);
      await engine.dispose();
    }, 180_000);
  }

  for (const [name, mini] of [['tiny-bert', undefined], ['tiny-mpnet', 3]] as const) {
    it(`${name}${mini ? ' with GradCache' : ''}: 12-step trajectory matches PyTorch`, async () => {
      const f = await ortEngine(name, 'webgpu');
      const losses = await referenceSteps(f.engine, f, { mini });
      expect(f.engine.fusedSteps, 'steps run as one fused step graph').toBe(mini ? 0 : 12);
      losses.forEach((l, i) => expect(Math.abs(l - f.ref.training.losses[i]), `step ${i}`).toBeLessThan(1e-3));
      const after = readSafetensors(join(f.dir, 'reference_after_training.safetensors'));
      const reference = new Map([...after.tensors.keys()].map((k) => [k, after.float32(k)]));
      const final = new Map([...(await f.engine.exportParams())].map(([k, t]) => [k, t.data]));
      expect(weightDecayCheck(final, reference, f.ref.training.lrs, 0.01)).toEqual([]);
      await f.engine.dispose();
    }, 300_000);
  }

  it('embeddings equal the CPU provider on every encoder fixture', async () => {
    for (const name of ['tiny-bert', 'tiny-mpnet']) {
      const dir = join(FIXTURES, name);
      const sentences = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')).sentences as string[];
      const cpu = await Embedder.load(dir, { provider: 'cpu' });
      const gpu = await Embedder.load(dir, { provider: 'webgpu' });
      expect(gpu.provider).toBe('webgpu');
      const a = await cpu.embed(sentences);
      const b = await gpu.embed(sentences);
      let worst = 0;
      a.forEach((row, i) => row.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b[i][j])))));
      expect(worst, name).toBeLessThan(1e-5);
      await cpu.release();
      await gpu.release();
    }
  }, 180_000);

  it('cross-encoder scores equal the CPU provider', async () => {
    const dir = join(FIXTURES, 'tiny-cross-encoder');
    const pairs = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')).pairs as [string, string][];
    const cpu = await CrossEncoder.load(dir, { provider: 'cpu' });
    const gpu = await CrossEncoder.load(dir, { provider: 'webgpu' });
    const a = await cpu.predict(pairs);
    const b = await gpu.predict(pairs);
    a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(1e-5));
    await cpu.release();
    await gpu.release();
  }, 180_000);

  it('T5 greedy output is token-identical to the CPU provider', async () => {
    const dir = join(FIXTURES, 'tiny-t5');
    const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
    const cpu = (await T5Model.load(dir, { provider: 'cpu' })).model;
    const gpu = (await T5Model.load(dir, { provider: 'webgpu' })).model;
    expect(gpu.provider).toBe('webgpu');
    const opts = { maxNewTokens: ref.greedy.max_new_tokens };
    const a = await greedyDecode(cpu, ref.input_ids, opts);
    const b = await greedyDecode(gpu, ref.input_ids, opts);
    expect(b).toEqual(a);
    expect(b).toEqual(ref.greedy.output_ids);
    await cpu.release();
    await gpu.release();
  }, 180_000);
});
