// The 'training.run' job reports memory: its log names the engine's state bytes (and GPU memory on a
// GPU provider), its result carries them for the Train page, and on a GPU provider it records GPU
// memory samples as metric series. WebGPU (lavapipe here) with a fake nvidia-smi on PATH; the WebGPU
// case needs an adapter: required on CI, skipped locally without one.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { trainingRunParamsSchema, type TrainingResult } from '../../../../shared/services/training.js';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { webgpuUnavailable } from './ort-fixture.js';
import { addTinyBert, seedPairs } from './training-fixture.js';
import { fakeNvidiaSmi } from '../../../helpers/fake-nvidia-smi.js';

const tempDir = useTempDirs('genq-training-job-memory-');
const missing = await webgpuUnavailable();
const MIB = 1024 ** 2;
const GPU = '0, GPU-6f7c8b2e-1d3a-4c5b-9e8f-0a1b2c3d4e5f, NVIDIA L4, 23034, 1187\n';
const STATE = 'engine state (parameters, gradients, Adam moments): 5.2 MiB (5400576 bytes)';

async function runJob(dir: string, provider: 'cpu' | 'webgpu') {
  const s = await servicesOnNewProject(dir);
  try {
    const db = s.projects.require().project.db;
    const baseId = addTinyBert(db);
    seedPairs(db, { train: 4, evalPassages: 0 });
    const job = await s.impl.training.start(trainingRunParamsSchema.parse({ modelId: baseId, settings: { batchSize: 4, epochs: 1, maxSeqLength: 16, engine: 'ort', provider, dropout: 0 } }));
    const end = await s.finished(job.id);
    expect(end.error).toBeNull();
    const result = end.result as TrainingResult;
    const logs = (await s.impl.jobs.logs({ id: job.id, limit: 500 })).map((l) => l.message);
    const series = await s.impl.training.metrics({ runId: result.runId });
    return { result, logs, series };
  } finally {
    await s.dispose();
  }
}

describe('training.run memory facts', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('cpu: the engine state in the log and the result; no GPU memory', async () => {
    const { result, logs, series } = await runJob(tempDir(), 'cpu');
    expect(result).toMatchObject({ backend: 'cpu', engineStateBytes: 5_400_576, deviceMemory: null });
    expect(logs).toContain(`Memory: ${STATE} on cpu`);
    expect(logs.some((l) => /GPU memory|device memory not reported/.test(l))).toBe(false);
    expect(series.gpu_memory_used_bytes).toBeUndefined();
  });

  it.skipIf(missing !== null && !process.env.CI)('webgpu with nvidia-smi: GPU memory in the log, the result and the metric series', async () => {
    const dir = tempDir();
    const bin = join(dir, 'fake-bin');
    fakeNvidiaSmi(bin, { gpuCsv: GPU });
    process.env.PATH = `${bin}:${path}`; // before the job's worker starts: it reads the same PATH
    const { result, logs, series } = await runJob(join(dir, 'project'), 'webgpu');
    expect(result).toMatchObject({
      backend: 'webgpu', engineStateBytes: 5_400_576,
      deviceMemory: { reported: true, source: 'nvidia-smi', gpuIndex: 0, gpuName: 'NVIDIA L4', usedBytes: 1187 * MIB, totalBytes: 23034 * MIB, processBytes: null },
    });
    expect(logs).toContain('Memory: GPU memory: 1.2 GiB used of 22.5 GiB (nvidia-smi, GPU 0 NVIDIA L4; assumed: the only NVIDIA GPU)');
    expect(logs).toContain(`Memory: ${STATE} on webgpu`);
    // The first step samples at once (then every 15 s at most).
    expect(series.gpu_memory_used_bytes?.[0]).toEqual({ step: 0, value: 1187 * MIB });
    expect(series.gpu_memory_total_bytes?.[0]).toEqual({ step: 0, value: 23034 * MIB });
  });
});
