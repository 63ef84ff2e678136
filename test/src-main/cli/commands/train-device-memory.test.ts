// `genq train` prints the memory facts beside its device line: the engine's own state (exact bytes
// for tiny-bert) always, GPU memory for a GPU provider as nvidia-smi reports it (a fake one on PATH)
// or "device memory not reported by webgpu (…)" without it. WebGPU runs need an adapter (lavapipe
// here); on CI a missing adapter fails, locally the WebGPU cases skip.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../helpers/run-cli.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { webgpuUnavailable } from '../../core/training/ort-fixture.js';
import { fakeNvidiaSmi } from '../../../helpers/fake-nvidia-smi.js';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/tiny-bert');
const tempDir = useTempDirs('genq-cli-train-memory-');
const GPU = '0, GPU-6f7c8b2e-1d3a-4c5b-9e8f-0a1b2c3d4e5f, NVIDIA L4, 23034, 1187\n';

function pairsIn(dir: string): string {
  const ref = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')).training;
  const file = join(dir, 'pairs.tsv');
  writeFileSync(file, (ref.pairs as [string, string][]).slice(0, 8).map(([q, p]) => `${q}\t${p}`).join('\n'));
  return file;
}

const missing = await webgpuUnavailable();

const train = (dir: string, provider: string, env: NodeJS.ProcessEnv = {}) =>
  runCli(['train', '--model', FIXTURE, '--pairs', pairsIn(dir), '--output', join(dir, 'tuned'), '--steps', '1', '--batch-size', '4', '--dropout', '0', '--engine', 'ort', '--provider', provider], env);

describe('genq train memory lines', () => {
  it('cpu: the engine state (337,536 parameters × 16 bytes = 5.2 MiB), no GPU line', async () => {
    const r = await train(tempDir(), 'cpu');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('genq train: engine state (parameters, gradients, Adam moments): 5.2 MiB (5400576 bytes) on cpu\n');
    expect(r.stderr).not.toMatch(/GPU memory|device memory not reported/);
  });

  describe.skipIf(missing !== null && !process.env.CI)('webgpu', () => {
    it('with nvidia-smi: GPU memory as it reports, at the start and after training', async () => {
      const dir = tempDir();
      const bin = join(dir, 'bin');
      fakeNvidiaSmi(bin, { gpuCsv: GPU });
      const r = await train(dir, 'webgpu', { PATH: `${bin}:${process.env.PATH}` });
      expect(r.code, r.stderr).toBe(0);
      const line = 'GPU memory: 1.2 GiB used of 22.5 GiB (nvidia-smi, GPU 0 NVIDIA L4; assumed: the only NVIDIA GPU)';
      expect(r.stderr).toContain(`genq train: ${line}\n`);
      expect(r.stderr).toContain(`genq train: after training: ${line}\n`);
      expect(r.stderr).toContain('genq train: engine state (parameters, gradients, Adam moments): 5.2 MiB (5400576 bytes) on webgpu\n');
    });
    it('without nvidia-smi: not reported, with the reason', async () => {
      const dir = tempDir();
      const empty = join(dir, 'empty-bin');
      mkdirSync(empty);
      const r = await train(dir, 'webgpu', { PATH: empty }); // node itself is spawned by absolute path
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/genq train: device memory not reported by webgpu \(nvidia-smi not found on PATH/);
    });
  });
});
