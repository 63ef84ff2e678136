// The device memory display of the Train, Generate and Models pages: the shared wording (GPU memory
// where nvidia-smi reports it, "not reported by <provider>" otherwise, nothing on CPU), a run's memory
// lines (its summary when finished, the latest GPU sample while running) and the DOM fact the note
// renders (data-fact="device-memory").
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { TrainingRun } from '../../shared/api.js';
import { describeDeviceMemory, describeEngineState, formatMemoryBytes, type DeviceMemoryReport } from '../../shared/device-memory.js';
import { DeviceMemoryNote } from '../../src-renderer/components/DeviceMemoryNote.js';
import { runMemory } from '../../src-renderer/components/train/train-facts.js';

const MIB = 1024 ** 2;
const H100: DeviceMemoryReport = {
  reported: true, source: 'nvidia-smi', gpuIndex: 0, gpuName: 'NVIDIA H100 80GB HBM3', usedBytes: 3277 * MIB, totalBytes: 81559 * MIB, processBytes: 2116 * MIB,
};

describe('describeDeviceMemory', () => {
  it('reported: used of total in GiB, the source, the GPU and this process\'s share', () => {
    expect(describeDeviceMemory('cuda', H100)).toBe('GPU memory: 3.2 GiB used of 79.6 GiB (nvidia-smi, GPU 0 NVIDIA H100 80GB HBM3; this process 2.1 GiB)');
    expect(describeDeviceMemory('webgpu', { ...H100, processBytes: null, note: 'assumed: the only NVIDIA GPU' })).toBe(
      'GPU memory: 3.2 GiB used of 79.6 GiB (nvidia-smi, GPU 0 NVIDIA H100 80GB HBM3; assumed: the only NVIDIA GPU)',
    );
  });
  it('not reported: says so for the provider, with the reason; CPU providers get no line', () => {
    expect(describeDeviceMemory('webgpu', { reported: false, reason: 'nvidia-smi not found on PATH' })).toBe('device memory not reported by webgpu (nvidia-smi not found on PATH)');
    expect(describeDeviceMemory('dml', null)).toBe('device memory not reported by dml');
    expect(describeDeviceMemory('cpu', H100)).toBeNull();
    expect(describeDeviceMemory('wasm', null)).toBeNull();
  });
  it('units: GiB above 1 GiB, whole MiB above 100 MiB, one decimal below', () => {
    expect(formatMemoryBytes(1024 ** 3)).toBe('1.0 GiB');
    expect(formatMemoryBytes(512 * MIB)).toBe('512 MiB');
    expect(formatMemoryBytes(5_400_576)).toBe('5.2 MiB');
    expect(describeEngineState(5_400_576, 'webgpu')).toBe('engine state (parameters, gradients, Adam moments): 5.2 MiB (5400576 bytes) on webgpu');
  });
});

describe('runMemory', () => {
  const run = (summary: Partial<NonNullable<TrainingRun['summary']>> | null) => ({ id: 1, status: summary ? 'done' : 'running', config: { settings: {} }, summary }) as unknown as TrainingRun;
  it('a finished run: GPU memory at its end and the engine state', () => {
    expect(runMemory(run({ backend: 'cuda', deviceMemory: H100, engineStateBytes: 5_400_576 }), {})).toEqual({
      gpu: 'GPU memory: 3.2 GiB used of 79.6 GiB (nvidia-smi, GPU 0 NVIDIA H100 80GB HBM3; this process 2.1 GiB)',
      state: 'engine state (parameters, gradients, Adam moments): 5.2 MiB (5400576 bytes) on cuda',
    });
    expect(runMemory(run({ backend: 'webgpu', deviceMemory: { reported: false, reason: 'WebGPU on a non-NVIDIA adapter' } }), {}).gpu).toBe(
      'device memory not reported by webgpu (WebGPU on a non-NVIDIA adapter)',
    );
    expect(runMemory(run({ backend: 'cpu', deviceMemory: null, engineStateBytes: 16 }), {})).toEqual({ gpu: null, state: 'engine state (parameters, gradients, Adam moments): 0.0 MiB (16 bytes) on cpu' });
    // A run from before memory was recorded: nothing, not "not reported".
    expect(runMemory(run({ backend: 'webgpu' }), {})).toEqual({ gpu: null, state: null });
  });
  it('a running run: the latest GPU sample from the metric series', () => {
    const series = {
      gpu_memory_used_bytes: [{ step: 10, value: 1024 * MIB }, { step: 40, value: 3277 * MIB }],
      gpu_memory_total_bytes: [{ step: 10, value: 81559 * MIB }, { step: 40, value: 81559 * MIB }],
    };
    expect(runMemory(run(null), series)).toEqual({ gpu: 'GPU memory: 3.2 GiB used of 79.6 GiB (nvidia-smi, at step 40)', state: null });
    expect(runMemory(run(null), {})).toEqual({ gpu: null, state: null });
  });
});

describe('DeviceMemoryNote', () => {
  it('renders the line as data-fact="device-memory", nothing on CPU', () => {
    expect(renderToStaticMarkup(<DeviceMemoryNote provider="cuda" memory={H100} />)).toBe(
      '<span class="muted small" data-fact="device-memory" data-reported="yes">GPU memory: 3.2 GiB used of 79.6 GiB (nvidia-smi, GPU 0 NVIDIA H100 80GB HBM3; this process 2.1 GiB)</span>',
    );
    expect(renderToStaticMarkup(<DeviceMemoryNote provider="webgpu" memory={{ reported: false, reason: 'no nvidia-smi' }} as="div" />)).toBe(
      '<div class="muted small" data-fact="device-memory" data-reported="no">device memory not reported by webgpu (no nvidia-smi)</div>',
    );
    expect(renderToStaticMarkup(<DeviceMemoryNote provider="cpu" memory={null} />)).toBe('');
    expect(renderToStaticMarkup(<DeviceMemoryNote provider={null} memory={H100} />)).toBe('');
  });
});
