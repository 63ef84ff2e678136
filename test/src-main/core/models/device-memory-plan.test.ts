// The memory plan of a run budgets against the GPU's size where nvidia-smi reports it (explicit GPU
// providers), and against host RAM otherwise ('auto', cpu, no nvidia-smi). A fake nvidia-smi on PATH.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planRun } from '../../../../src-main/core/training/engines.js';
import { fakeNvidiaSmi } from '../../../helpers/fake-nvidia-smi.js';

const TINY_BERT = join(import.meta.dirname, '../../../fixtures/tiny-bert');
const GPU = '0, GPU-6f7c8b2e-1d3a-4c5b-9e8f-0a1b2c3d4e5f, NVIDIA A10G, 23028, 514\n';

describe('planRun with a reported GPU', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });
  const onPath = (body: string | null) => {
    const dir = mkdtempSync(join(tmpdir(), 'genq-plan-smi-'));
    if (body !== null) fakeNvidiaSmi(dir, { body });
    process.env.PATH = `${dir}:/usr/bin:/bin`;
    return () => rmSync(dir, { recursive: true, force: true });
  };
  const plan = (provider: 'cuda' | 'webgpu' | 'auto' | 'cpu') => planRun({ modelDir: TINY_BERT, engine: 'ort', provider, batchSize: 8, columns: 2, maxSeqLength: 32 });

  it('cuda and webgpu: the GPU size nvidia-smi reports (23028 MiB)', () => {
    const done = onPath(`case "$1" in --query-gpu=*) printf '%s' '${GPU}' ;; *) ;; esac`);
    try {
      for (const provider of ['cuda', 'webgpu'] as const) {
        const p = plan(provider);
        expect(p.budgetBytes).toBe(23028 * 1024 ** 2);
        expect(p.budgetSource).toBe(`${provider} device memory (24.1 GB)`);
      }
      // 'auto' may end on the CPU; cpu runs in host RAM.
      expect(plan('auto').budgetSource).toMatch(/^host RAM/);
      expect(plan('cpu').budgetSource).toMatch(/^host RAM/);
    } finally {
      done();
    }
  });
  it('no nvidia-smi, or one that fails: host RAM', () => {
    // (planRun's nvidia-smi result is cached per PATH: each fake has its own folder.)
    let done = onPath(null);
    try {
      expect(plan('cuda').budgetSource).toMatch(/^host RAM/);
    } finally {
      done();
    }
    done = onPath('exit 9');
    try {
      expect(plan('webgpu').budgetSource).toMatch(/^host RAM/);
    } finally {
      done();
    }
  });
});
