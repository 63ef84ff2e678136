// Device memory from nvidia-smi: the strict CSV parsers (samples in nvidia-smi's documented
// `--format=csv,noheader,nounits` layout: several GPUs, [N/A] fields, garbage), which GPU and whose
// use (by pid), a fake nvidia-smi on PATH that answers / hangs / fails, and the exact bytes of a
// training engine's own state for tiny-bert.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  deviceMemoryNote, deviceMemorySampler, engineStateBytes, fillEngineMemory, NvidiaSmiParseError, parseComputeAppsQuery, parseGpuQuery, planningDeviceMemoryBytes, queryNvidiaSmi, queryNvidiaSmiSync,
  reportDeviceMemory, reportDeviceMemorySync, reportFrom, type EngineMemoryFields,
} from '../../../../src-main/core/models/device-memory.js';
import { deviceLayout } from '../../../../src-main/core/models/onnx/training-graph.js';
import { loadModelFolder } from '../../../../src-main/core/models/folder.js';
import { encoderConfigFromHf, parameterShapes } from '../../../../src-main/core/training/model.js';

const MIB = 1024 ** 2;
const UUID0 = 'GPU-6f7c8b2e-1d3a-4c5b-9e8f-0a1b2c3d4e5f';
const UUID1 = 'GPU-0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a';
const GPUS_TWO = `0, ${UUID0}, NVIDIA H100 80GB HBM3, 81559, 3241\n1, ${UUID1}, NVIDIA H100 80GB HBM3, 81559, 0\n`;
const APPS_TWO = `4242, ${UUID1}, 2116\n777, ${UUID0}, 3230\n`;
const GPU_ONE = `0, ${UUID0}, NVIDIA GeForce RTX 4090, 24564, 1187\n`;
const GPU_NA = `0, ${UUID0}, NVIDIA GH200 480GB, [N/A], [N/A]\n`;
const DRIVER_FAILED = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n";

describe('parseGpuQuery', () => {
  it('reads every GPU, memory MiB → bytes', () => {
    expect(parseGpuQuery(GPUS_TWO)).toEqual([
      { index: 0, uuid: UUID0, name: 'NVIDIA H100 80GB HBM3', totalBytes: 81559 * MIB, usedBytes: 3241 * MIB },
      { index: 1, uuid: UUID1, name: 'NVIDIA H100 80GB HBM3', totalBytes: 81559 * MIB, usedBytes: 0 },
    ]);
  });
  it('takes [N/A] as unknown, not as a number', () => {
    expect(parseGpuQuery(GPU_NA)[0]).toMatchObject({ totalBytes: null, usedBytes: null });
  });
  it('accepts CRLF line ends (Windows)', () => {
    expect(parseGpuQuery(GPUS_TWO.replace(/\n/g, '\r\n'))).toHaveLength(2);
  });
  it('refuses garbage with the line and what it expected', () => {
    expect(() => parseGpuQuery(DRIVER_FAILED)).toThrow(/line 1: expected 5 comma-separated fields, got 1/);
    expect(() => parseGpuQuery('index, uuid, name, memory.total [MiB], memory.used [MiB]\n')).toThrow(/uuid" is not a GPU uuid/);
    expect(() => parseGpuQuery(`0, ${UUID0}, NVIDIA A100, 40960 MiB, 1 MiB\n`)).toThrow(/"40960 MiB" is not a whole number/);
    expect(() => parseGpuQuery(`0, ${UUID0}, NVIDIA A100, -1, 1\n`)).toThrow(NvidiaSmiParseError);
    // A field too many (another query's output, or a comma in a name) is not read by position.
    expect(() => parseGpuQuery(`0, ${UUID0}, NVIDIA A100, PCIe, 40960, 1\n`)).toThrow(/expected 5 comma-separated fields, got 6/);
    expect(() => parseGpuQuery('')).toThrow(/listed no GPU/);
  });
});

describe('parseComputeAppsQuery', () => {
  it('reads pid, GPU and use; empty output and "No running processes found" mean none', () => {
    expect(parseComputeAppsQuery(APPS_TWO)).toEqual([
      { pid: 4242, gpuUuid: UUID1, usedBytes: 2116 * MIB },
      { pid: 777, gpuUuid: UUID0, usedBytes: 3230 * MIB },
    ]);
    expect(parseComputeAppsQuery('')).toEqual([]);
    expect(parseComputeAppsQuery('No running processes found\n')).toEqual([]);
    expect(parseComputeAppsQuery(`4242, ${UUID0}, [N/A]\n`)).toEqual([{ pid: 4242, gpuUuid: UUID0, usedBytes: null }]);
  });
  it('refuses garbage', () => {
    expect(() => parseComputeAppsQuery('4242, 2116\n')).toThrow(/expected 3 comma-separated fields, got 2/);
    expect(() => parseComputeAppsQuery(`python3, ${UUID0}, 12\n`)).toThrow(/"python3" is not a whole number/);
  });
});

describe('reportFrom: which GPU, whose use', () => {
  const two = { ok: true as const, gpus: parseGpuQuery(GPUS_TWO), apps: parseComputeAppsQuery(APPS_TWO) };
  it('takes the GPU nvidia-smi lists this process on, and this process\'s own use', () => {
    expect(reportFrom(two, 'cuda', 4242, {})).toEqual({
      reported: true, source: 'nvidia-smi', gpuIndex: 1, gpuName: 'NVIDIA H100 80GB HBM3', usedBytes: 0, totalBytes: 81559 * MIB, processBytes: 2116 * MIB,
    });
    expect(reportFrom(two, 'webgpu', 777, {})).toMatchObject({ gpuIndex: 0, usedBytes: 3241 * MIB, processBytes: 3230 * MIB });
  });
  it('CUDA, process not listed: CUDA_VISIBLE_DEVICES (index or uuid), else device 0, saying it is assumed', () => {
    expect(reportFrom(two, 'cuda', 1, { CUDA_VISIBLE_DEVICES: '1,0' })).toMatchObject({ gpuIndex: 1, processBytes: null, note: 'assumed from CUDA_VISIBLE_DEVICES=1,0' });
    expect(reportFrom(two, 'cuda', 1, { CUDA_VISIBLE_DEVICES: 'GPU-0d9e' })).toMatchObject({ gpuIndex: 1 });
    expect(reportFrom(two, 'cuda', 1, {})).toMatchObject({ gpuIndex: 0, note: 'assumed: CUDA device 0 of 2' });
    expect(reportFrom(two, 'cuda', 1, { CUDA_VISIBLE_DEVICES: '5' })).toEqual({ reported: false, reason: 'CUDA_VISIBLE_DEVICES=5 names no GPU nvidia-smi lists' });
  });
  it('WebGPU, process not listed: only a lone NVIDIA GPU is assumed', () => {
    const one = { ok: true as const, gpus: parseGpuQuery(GPU_ONE), apps: [] };
    expect(reportFrom(one, 'webgpu', 1, {})).toMatchObject({ gpuIndex: 0, usedBytes: 1187 * MIB, totalBytes: 24564 * MIB, note: 'assumed: the only NVIDIA GPU' });
    expect(reportFrom(two, 'webgpu', 1, {})).toMatchObject({ reported: false, reason: expect.stringMatching(/2 NVIDIA GPUs .* webgpu adapter is not known/) });
  });
  it('[N/A] memory, a failed query, CoreML: not reported, with the reason; CPU providers: no report', () => {
    expect(reportFrom({ ok: true, gpus: parseGpuQuery(GPU_NA), apps: [] }, 'cuda', 1, {})).toEqual({ reported: false, reason: 'nvidia-smi reports [N/A] memory for GPU 0 NVIDIA GH200 480GB' });
    expect(reportFrom({ ok: false, reason: 'nvidia-smi not found on PATH' }, 'webgpu', 1, {})).toEqual({ reported: false, reason: 'nvidia-smi not found on PATH' });
    expect(reportFrom(two, 'coreml', 4242, {})).toMatchObject({ reported: false });
    expect(reportFrom(two, 'cpu', 4242, {})).toBeNull();
    expect(reportFrom(two, 'wasm', 4242, {})).toBeNull();
  });
});

describe('a fake nvidia-smi on PATH', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genq-smi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fake = (name: string, body: string) => {
    const folder = join(dir, name);
    const bin = join(folder, 'nvidia-smi');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    writeFileSync(bin, `#!/bin/sh\n${body}\n`);
    chmodSync(bin, 0o755);
    return { env: { PATH: `${folder}:/usr/bin:/bin` }, cacheMs: 0 };
  };
  const answering = () => fake('answers', `case "$1" in\n  --query-gpu=*) printf '%s' '${GPUS_TWO}' ;;\n  --query-compute-apps=*) printf '%s' '${APPS_TWO}' ;;\n  *) exit 2 ;;\nesac`);

  it('reads both tables through PATH (async and blocking)', async () => {
    const opts = { ...answering(), pid: 4242 };
    expect(await reportDeviceMemory('cuda', opts)).toMatchObject({ reported: true, gpuIndex: 1, processBytes: 2116 * MIB });
    expect(reportDeviceMemorySync('cuda', opts)).toMatchObject({ reported: true, gpuIndex: 1, processBytes: 2116 * MIB });
    expect(planningDeviceMemoryBytes('cuda', opts)).toBe(81559 * MIB);
    expect(planningDeviceMemoryBytes('cpu', opts)).toBeUndefined();
  });
  it('a hung nvidia-smi is cut off at the timeout', async () => {
    const opts = { ...fake('hangs', 'sleep 30'), timeoutMs: 300 };
    let t = performance.now();
    expect(await queryNvidiaSmi(opts)).toEqual({ ok: false, reason: 'nvidia-smi did not answer within 300 ms' });
    expect(performance.now() - t).toBeLessThan(5000);
    t = performance.now();
    expect(queryNvidiaSmiSync(opts)).toEqual({ ok: false, reason: 'nvidia-smi did not answer within 300 ms' });
    expect(performance.now() - t).toBeLessThan(5000);
    expect(await reportDeviceMemory('webgpu', opts)).toEqual({ reported: false, reason: 'nvidia-smi did not answer within 300 ms' });
  });
  it('exit status 9 (no driver) is a reason, not a throw', async () => {
    const opts = fake('fails', `printf '%s' "${DRIVER_FAILED.trim()}"; echo 'driver gone' >&2; exit 9`);
    expect(await reportDeviceMemory('cuda', opts)).toEqual({ reported: false, reason: 'nvidia-smi exited with status 9: driver gone' });
    expect(reportDeviceMemorySync('cuda', opts)).toEqual({ reported: false, reason: 'nvidia-smi exited with status 9: driver gone' });
    // As the real one does: the failure on stdout only.
    const quiet = fake('fails-stdout', `printf '%s\\n' "${DRIVER_FAILED.trim()}"; exit 9`);
    expect(await reportDeviceMemory('cuda', quiet)).toEqual({ reported: false, reason: `nvidia-smi exited with status 9: ${DRIVER_FAILED.trim()}` });
  });
  it('garbage on stdout with status 0 is "unexpected output", not a throw', async () => {
    const opts = fake('garbage', `printf '%s' "${DRIVER_FAILED.trim()}"`);
    expect(await reportDeviceMemory('cuda', opts)).toEqual({ reported: false, reason: expect.stringMatching(/^unexpected nvidia-smi output: nvidia-smi --query-gpu line 1: expected 5/) });
  });
  // A fake that answers and counts its calls (one line per run in calls.log).
  const counting = (name: string) => {
    const log = join(dir, `${name}.calls`);
    return { log, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0), opts: fake(name, `echo "$1" >> '${log}'\ncase "$1" in --query-gpu=*) printf '%s' '${GPU_ONE}' ;; esac`) };
  };
  it('reuses a result for cacheMs (per binary and PATH), asks again after', async () => {
    const { calls, opts } = counting('counted');
    await queryNvidiaSmi({ ...opts, cacheMs: 60_000 });
    expect(calls()).toBe(2); // --query-gpu and --query-compute-apps
    expect(await queryNvidiaSmi({ ...opts, cacheMs: 60_000 })).toMatchObject({ ok: true, gpus: [{ name: 'NVIDIA GeForce RTX 4090' }] });
    queryNvidiaSmiSync({ ...opts, cacheMs: 60_000 });
    expect(calls()).toBe(2);
    await queryNvidiaSmi({ ...opts, cacheMs: 0 });
    expect(calls()).toBe(4);
    await queryNvidiaSmi({ ...opts, env: { PATH: `${opts.env.PATH}:/nonexistent` }, cacheMs: 60_000 });
    expect(calls()).toBe(6);
  });
  it('the sampler: one query per interval, none at once, none for host-RAM providers, nothing after stop()', async () => {
    const { calls, opts } = counting('sampled');
    const seen: Array<[number, number]> = [];
    const sampler = deviceMemorySampler('cuda', 60_000, (step, r) => seen.push([step, r.usedBytes]), opts);
    sampler.sample(0);
    sampler.sample(1); // in flight, and within the interval
    await vi.waitFor(() => expect(seen).toEqual([[0, 1187 * MIB]]));
    sampler.sample(2); // within the interval
    expect(calls()).toBe(2);
    const cpu = deviceMemorySampler('cpu', 0, () => seen.push([-1, 0]), opts);
    cpu.sample(0);
    const late = deviceMemorySampler('webgpu', 0, (step) => seen.push([step, 0]), opts);
    late.sample(7);
    late.stop();
    await vi.waitFor(() => expect(calls()).toBe(4)); // cpu never asked; the stopped webgpu sampler asked…
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([[0, 1187 * MIB]]); // …but recorded nothing
    expect(calls()).toBe(4);
  });
  it('fillEngineMemory: the report and the GPU size on a GPU provider, never throws', async () => {
    const device: EngineMemoryFields & { provider: string } = { provider: 'cuda' };
    await fillEngineMemory(device, [[2, 3], [4]], { ...answering(), pid: 4242 });
    expect(device).toMatchObject({ stateBytes: 160, memoryBytes: 81559 * MIB, memory: { reported: true, gpuIndex: 1 } });
    const hung = { provider: 'webgpu' } as typeof device;
    await fillEngineMemory(hung, [[1]], { ...fake('hangs2', 'sleep 30'), timeoutMs: 200 });
    expect(hung).toEqual({ provider: 'webgpu', stateBytes: 16, memory: { reported: false, reason: 'nvidia-smi did not answer within 200 ms' } });
  });
  it('deviceMemoryNote: the suffix job logs put after the device (nothing on CPU)', async () => {
    const opts = { ...answering(), pid: 4242 };
    expect(await deviceMemoryNote('cuda', opts)).toBe('; GPU memory: 0 MiB used of 79.6 GiB (nvidia-smi, GPU 1 NVIDIA H100 80GB HBM3; this process 2.1 GiB)');
    expect(await deviceMemoryNote('cpu', opts)).toBe('');
    expect(await deviceMemoryNote('webgpu', { env: { PATH: '/nonexistent' }, cacheMs: 0 })).toBe('; device memory not reported by webgpu (nvidia-smi not found on PATH (no NVIDIA driver tools))');
  });
  it('no nvidia-smi on PATH', async () => {
    const opts = { env: { PATH: join(dir, 'nowhere') }, cacheMs: 0 };
    expect(await reportDeviceMemory('cuda', opts)).toEqual({ reported: false, reason: 'nvidia-smi not found on PATH (no NVIDIA driver tools)' });
    expect(reportDeviceMemorySync('webgpu', opts)).toEqual({ reported: false, reason: 'nvidia-smi not found on PATH (no NVIDIA driver tools)' });
    expect(planningDeviceMemoryBytes('cuda', opts)).toBeUndefined();
  });
});

describe('engineStateBytes', () => {
  // tiny-bert: vocab 4096, 128 positions, 2 token types, hidden 64, FFN 128, 2 layers.
  // embeddings 4096·64 + 128·64 + 2·64 + 2·64 = 270,592; per layer 4·(64·64+64) + (128·64+128) + (64·128+64) + 4·64 = 33,472
  // → 337,536 parameters; × 4 (parameters, gradients, Adam m, v) × 4 bytes.
  const folder = loadModelFolder(join(import.meta.dirname, '../../../fixtures/tiny-bert'));
  const config = encoderConfigFromHf(folder.config, folder.architecture);
  it('is 16 bytes per parameter: 5,400,576 for tiny-bert, in HF and in the ORT engine\'s fused layout', () => {
    expect(engineStateBytes(parameterShapes(config).map(([, s]) => s))).toBe(5_400_576);
    const layout = deviceLayout({ architecture: 'bert', config: folder.config, pooling: folder.pooling, normalize: folder.normalize, vocab: config.vocabSize, typeCount: config.typeVocabSize });
    expect(engineStateBytes(layout.map((p) => p.shape))).toBe(5_400_576);
  });
});
