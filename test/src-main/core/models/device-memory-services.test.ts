// The Models and Generate pages' device facts carry GPU memory where nvidia-smi reports it: model
// info (added models), Try-embed and the generation estimate, on WebGPU (lavapipe here, picked by
// 'auto' with GENQ_WEBGPU_AUTO=1) with a fake nvidia-smi on PATH; on the CPU they carry none. The
// WebGPU case needs an adapter: required on CI, skipped locally without one.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { insertPassages, TINY_T5 } from '../generation/project-fixture.js';
import { webgpuUnavailable } from '../training/ort-fixture.js';
import { FIXTURES } from './fixtures.js';
import { fakeNvidiaSmi } from '../../../helpers/fake-nvidia-smi.js';

const tempDir = useTempDirs('genq-device-memory-services-');
const missing = await webgpuUnavailable();
const MIB = 1024 ** 2;
const GPU = '0, GPU-6f7c8b2e-1d3a-4c5b-9e8f-0a1b2c3d4e5f, NVIDIA L4, 23034, 1187\n';
const L4 = { reported: true, source: 'nvidia-smi', gpuIndex: 0, gpuName: 'NVIDIA L4', usedBytes: 1187 * MIB, totalBytes: 23034 * MIB, processBytes: null, note: 'assumed: the only NVIDIA GPU' };

async function facts(dir: string) {
  const s = await servicesOnNewProject(dir);
  try {
    const db = s.projects.require().project.db;
    insertPassages(db, 4);
    const encoder = await s.impl.models.add({ dir: join(FIXTURES, 'tiny-mpnet') });
    const tried = await s.impl.models.tryEmbed({ id: encoder.id, a: 'tax cuts', b: 'budget' });
    const t5 = await s.impl.models.add({ dir: TINY_T5, role: 'generator' });
    const estimate = await s.impl.generation.estimate({ modelId: t5.id, scope: { kind: 'all' }, settings: { numQueries: 1, maxLength: 4, seed: 1, batchSize: 4 }, threads: 1 } as never);
    return { info: encoder.info!.device, tried: tried.device, estimate: estimate.device };
  } finally {
    await s.dispose();
  }
}

describe('device memory on the Models and Generate facts', () => {
  const env = { PATH: process.env.PATH, GENQ_WEBGPU_AUTO: process.env.GENQ_WEBGPU_AUTO };
  afterEach(() => {
    process.env.PATH = env.PATH;
    if (env.GENQ_WEBGPU_AUTO === undefined) delete process.env.GENQ_WEBGPU_AUTO;
    else process.env.GENQ_WEBGPU_AUTO = env.GENQ_WEBGPU_AUTO;
  });

  it('cpu: no memory report', async () => {
    process.env.GENQ_WEBGPU_AUTO = '0';
    const f = await facts(tempDir());
    for (const device of [f.info, f.tried, f.estimate]) expect(device).toMatchObject({ provider: 'cpu', memory: null });
  });

  it.skipIf(missing !== null && !process.env.CI)('webgpu: what nvidia-smi reports, on model info, Try-embed and the estimate', async () => {
    const dir = tempDir();
    const bin = join(dir, 'fake-bin');
    fakeNvidiaSmi(bin, { gpuCsv: GPU });
    process.env.PATH = `${bin}:${env.PATH}`;
    process.env.GENQ_WEBGPU_AUTO = '1';
    const f = await facts(join(dir, 'project'));
    for (const device of [f.info, f.tried, f.estimate]) expect(device).toMatchObject({ provider: 'webgpu', memory: L4 });
  });
});
