// One MultipleNegativesRankingLoss step on the onnxruntime engine against PyTorch's reference loss
// and parameter gradients (dropout off): forward both columns, loss on the host, backward graphs;
// and the same step as one fused step graph (what step.ts runs without GradCache).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { mnrLoss } from '../../../../src-main/core/training/losses/mnr.js';
import { stepGradients } from '../../../../src-main/core/training/step.js';
import { mnrPass, ortEngine } from './ort-fixture.js';

describe('ORT engine: MNR gradients match sentence-transformers', () => {
  const modes = ['one-run', 'split', 'fused'] as const;
  for (const [name, mode] of (['tiny-bert', 'tiny-mpnet'] as const).flatMap((n) => modes.map((m) => [n, m] as const))) {
    const what = { 'one-run': '', split: ' (forward/backward split graphs, as on GPUs)', fused: ' (fused step graph through step.ts)' }[mode];
    it(`${name} on cpu${what}: loss within 1e-5, gradients within 1e-4 of each tensor's max`, async () => {
      const { dir, ref, opened, engine } = await ortEngine(name, 'cpu', undefined, mode === 'split');
      const pairs = ref.mnr.pairs as [string, string][];
      const maxSeqLength = opened.model.folder.maxSeqLength;
      const loss = mode === 'fused'
        ? (await stepGradients(engine, opened.tokenize, mnrLoss({ scale: ref.mnr.scale }), [pairs.map((p) => p[0]), pairs.map((p) => p[1])], undefined, { maxSeqLength, dropout: 0, seed: 0, step: 0 })).loss
        : await mnrPass(engine, opened.tokenize, pairs, maxSeqLength, ref.mnr.scale);
      expect(engine.fusedSteps).toBe(mode === 'fused' ? 1 : 0);
      expect(Math.abs(loss - ref.mnr.loss)).toBeLessThan(1e-5);
      const grads = await engine.exportGrads();
      const refGrads = readSafetensors(join(dir, 'reference_grads.safetensors'));
      expect(grads.size).toBe(refGrads.tensors.size);
      for (const gname of refGrads.tensors.keys()) {
        const want = refGrads.float32(gname);
        const got = grads.get(gname)?.data;
        expect(got, gname).toBeDefined();
        let max = 0;
        let diff = 0;
        for (let i = 0; i < want.length; i++) {
          max = Math.max(max, Math.abs(want[i]));
          diff = Math.max(diff, Math.abs(want[i] - got![i]));
        }
        // The key bias's gradient is analytically zero (rounding noise on both sides): compared absolutely.
        expect(max < 1e-6 ? diff / 1e-4 : diff / max, gname).toBeLessThan(1e-4);
      }
      // Bytes host↔device per step: ids, masks, dEmb, scalars, embeddings, the norm — not the parameters.
      await engine.apply(1e-3, 1);
      const moved = engine.transferStats();
      expect(moved.hostToDevice).toBeGreaterThan(0);
      expect(moved.hostToDevice + moved.deviceToHost).toBeLessThan(100_000);
      await engine.dispose();
    });
  }
});
