// The ORT training engine fills its device record: the exact bytes of its own state (parameters,
// gradients, Adam m and v) always; on a GPU provider what nvidia-smi reports (a fake one on PATH) or
// why it is not reported. WebGPU needs an adapter (lavapipe here): required on CI, skipped locally.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ortEngine, webgpuUnavailable } from '../training/ort-fixture.js';
import { fakeNvidiaSmi } from '../../../helpers/fake-nvidia-smi.js';

const missing = await webgpuUnavailable();
const GPU = '0, GPU-6f7c8b2e-1d3a-4c5b-9e8f-0a1b2c3d4e5f, NVIDIA L4, 23034, 1187\n';

describe('OrtEngine.device memory fields', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('cpu: state bytes of tiny-bert (337,536 parameters × 4 copies × 4 bytes), no GPU report', async () => {
    const { engine } = await ortEngine('tiny-bert', 'cpu');
    try {
      expect(engine.device.stateBytes).toBe(5_400_576);
      expect(engine.device.memory).toBeUndefined();
      expect(engine.device.memoryBytes).toBeUndefined();
    } finally {
      await engine.dispose();
    }
  });

  it.skipIf(missing !== null && !process.env.CI)('webgpu: nvidia-smi\'s report (memoryBytes = the GPU size), or not reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genq-engine-smi-'));
    try {
      fakeNvidiaSmi(dir, { gpuCsv: GPU });
      process.env.PATH = `${dir}:${path}`;
      const { engine } = await ortEngine('tiny-bert', 'webgpu');
      try {
        expect(engine.device.memory).toMatchObject({ reported: true, gpuName: 'NVIDIA L4', totalBytes: 23034 * 1024 ** 2, usedBytes: 1187 * 1024 ** 2 });
        expect(engine.device.memoryBytes).toBe(23034 * 1024 ** 2);
        expect(engine.device.stateBytes).toBe(5_400_576);
      } finally {
        await engine.dispose();
      }
      process.env.PATH = join(dir, 'none');
      const { engine: bare } = await ortEngine('tiny-bert', 'webgpu');
      try {
        expect(bare.device.memory).toEqual({ reported: false, reason: 'nvidia-smi not found on PATH (no NVIDIA driver tools)' });
        expect(bare.device.memoryBytes).toBeUndefined();
      } finally {
        await bare.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
