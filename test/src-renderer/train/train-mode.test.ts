// Train page helpers: the loss axis fitted to the data (not from 0), what GPL still needs, and the
// device line of a run (what ran once it reports, else what was asked for).
import { describe, expect, it } from 'vitest';
import type { MiningRunInfo, ProjectModel, TrainingRun } from '../../../shared/api.js';
import { fitDomain } from '../../../src-renderer/components/train/curves.js';
import { gplMissing, runDevice } from '../../../src-renderer/components/train/train-facts.js';

describe('fitDomain', () => {
  it('fits the plotted values with 5% padding, ignoring step and non-finite values', () => {
    const [lo, hi] = fitDomain([{ step: 0, loss: 2.4, smoothed: 2.4 }, { step: 1, loss: 2.1, smoothed: NaN }]) as [number, number];
    expect(lo).toBeCloseTo(2.085, 10);
    expect(hi).toBeCloseTo(2.415, 10);
    expect(fitDomain([])).toEqual(['auto', 'auto']);
    expect(fitDomain([{ step: 0, loss: 3 }])).toEqual([2.85, 3.15]);
  });
});

describe('gplMissing', () => {
  const model = (role: ProjectModel['role']) => ({ id: 1, name: 'm', role }) as ProjectModel;
  const run = (state: 'running' | 'done') => ({ id: 1, state }) as MiningRunInfo;
  it('names the cross-encoder and the mining run until both exist', () => {
    expect(gplMissing([model('encoder')], [])).toEqual([expect.stringMatching(/cross-encoder/), expect.stringMatching(/finished mining run/)]);
    expect(gplMissing([model('encoder'), model('cross-encoder')], [run('running')])).toEqual([expect.stringMatching(/finished mining run/)]);
    expect(gplMissing([model('cross-encoder')], [run('done')])).toEqual([]);
  });
});

describe('runDevice', () => {
  const base = { config: { settings: { engine: 'auto', provider: 'webgpu', backend: 'auto', loss: 'margin-mse' } }, summary: null } as unknown as TrainingRun;
  it('shows the device that ran, or the choice before the run reports', () => {
    expect(runDevice(base)).toBe('GPL MarginMSE · engine auto webgpu');
    expect(runDevice({ ...base, summary: { device: 'ort cpu' } } as unknown as TrainingRun)).toBe('ort cpu');
    expect(runDevice({ ...base, summary: { backend: 'wasm' } } as unknown as TrainingRun)).toBe('tfjs wasm');
  });
});
