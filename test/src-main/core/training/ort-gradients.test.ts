// One MultipleNegativesRankingLoss step on the onnxruntime engine against PyTorch's reference loss
// and parameter gradients (dropout off): forward both columns, loss on the host, backward graphs.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { mnrPass, ortEngine } from './ort-fixture.js';

describe('ORT engine: MNR gradients match sentence-transformers', () => {
  for (const [name, split] of [['tiny-bert', false], ['tiny-mpnet', false], ['tiny-bert', true], ['tiny-mpnet', true]] as const) {
    it(`${name} on cpu${split ? ' (forward/backward split graphs, as on GPUs)' : ''}: loss within 1e-5, gradients within 1e-4 of each tensor's max`, async () => {
      const { dir, ref, opened, engine } = await ortEngine(name, 'cpu', undefined, split);
      const loss = await mnrPass(engine, opened.tokenize, ref.mnr.pairs, opened.model.folder.maxSeqLength, ref.mnr.scale);
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
