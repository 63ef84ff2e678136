// What the system can tell about the memory of the device a model runs on. onnxruntime-node has no
// API for it, so on NVIDIA GPUs (CUDA, and WebGPU/Vulkan or DirectML on an NVIDIA adapter) we ask
// nvidia-smi, with a short timeout, parsing its CSV strictly; anything else (WebGPU on AMD/Intel/
// Apple, lavapipe, CoreML) is "not reported", with the reason, never a made-up number.
//
//   nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used --format=csv,noheader,nounits
//     0, GPU-5a2c…, NVIDIA H100 80GB HBM3, 81559, 1234        (memory in MiB)
//   nvidia-smi --query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader,nounits
//     4242, GPU-5a2c…, 1022                                    (empty output: no compute process)
//
// Which GPU: the one nvidia-smi lists this process on (by pid); else, for CUDA, the first entry of
// CUDA_VISIBLE_DEVICES or GPU 0 (ORT's device_id default); for the other providers only when there
// is exactly one NVIDIA GPU (their adapter could be another vendor's); a GPU matched without the
// pid is marked "assumed" (CUDA numbers devices fastest-first unless CUDA_DEVICE_ORDER=PCI_BUS_ID,
// nvidia-smi by PCI bus; containers may hide host pids). Results are cached briefly (5 s): a
// training job asks at start, per sample and at the end, the Models page per model.
//
// Separately, exactly: the bytes of a training engine's own device-resident state (parameters,
// gradients, Adam m and v: 4 float32 copies of the parameters), from the parameter shapes.
import { spawn, spawnSync } from 'node:child_process';
import { describeDeviceMemory, isGpuProvider, type DeviceMemoryReport } from '../../../shared/device-memory.js';

export { GPU_MEMORY_SERIES, type DeviceMemoryReport } from '../../../shared/device-memory.js';

const MIB = 1024 ** 2;
const GPU_QUERY = ['--query-gpu=index,uuid,name,memory.total,memory.used', '--format=csv,noheader,nounits'];
const APPS_QUERY = ['--query-compute-apps=pid,gpu_uuid,used_memory', '--format=csv,noheader,nounits'];
const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_CACHE_MS = 5000;

export class NvidiaSmiParseError extends Error {
  override name = 'NvidiaSmiParseError';
}

export interface NvidiaGpu {
  index: number;
  uuid: string;
  name: string;
  /** null: nvidia-smi printed [N/A] / [Not Supported]. */
  totalBytes: number | null;
  usedBytes: number | null;
}

export interface NvidiaComputeApp {
  pid: number;
  gpuUuid: string;
  /** null: [N/A] (e.g. Windows WDDM, some containers). */
  usedBytes: number | null;
}

/** What one nvidia-smi round gave: both tables, or why there are none. */
export type NvidiaSmiResult = { ok: true; gpus: NvidiaGpu[]; apps: NvidiaComputeApp[] } | { ok: false; reason: string };

const NOT_AVAILABLE = /^\[(N\/A|Not Supported|Unknown Error|Insufficient Permissions)\]$/;

/** Splits CSV lines into exactly `columns` trimmed fields; the name column may not hold commas (nvidia-smi's names don't). */
function rows(text: string, columns: number, what: string): string[][] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return lines.map((line, i) => {
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length !== columns) throw new NvidiaSmiParseError(`${what} line ${i + 1}: expected ${columns} comma-separated fields, got ${fields.length}: "${line.slice(0, 120)}"`);
    return fields;
  });
}

function integer(field: string, what: string): number {
  if (!/^\d+$/.test(field)) throw new NvidiaSmiParseError(`${what}: "${field.slice(0, 40)}" is not a whole number`);
  return Number(field);
}

/** MiB (nounits) → bytes; null for [N/A]-style fields. */
function mib(field: string, what: string): number | null {
  return NOT_AVAILABLE.test(field) ? null : integer(field, what) * MIB;
}

/** Parses `--query-gpu=index,uuid,name,memory.total,memory.used --format=csv,noheader,nounits`. */
export function parseGpuQuery(text: string): NvidiaGpu[] {
  const gpus = rows(text, 5, 'nvidia-smi --query-gpu').map(([index, uuid, name, total, used], i) => {
    const at = `nvidia-smi --query-gpu line ${i + 1}`;
    if (!/^GPU-[0-9a-fA-F-]+$/.test(uuid)) throw new NvidiaSmiParseError(`${at}: "${uuid.slice(0, 60)}" is not a GPU uuid`);
    if (name === '') throw new NvidiaSmiParseError(`${at}: empty GPU name`);
    return { index: integer(index, `${at} index`), uuid, name, totalBytes: mib(total, `${at} memory.total`), usedBytes: mib(used, `${at} memory.used`) };
  });
  if (gpus.length === 0) throw new NvidiaSmiParseError('nvidia-smi --query-gpu listed no GPU');
  return gpus;
}

/** Parses `--query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader,nounits` (empty: no compute process). */
export function parseComputeAppsQuery(text: string): NvidiaComputeApp[] {
  if (/^\s*No running (compute )?processes found\s*$/i.test(text)) return [];
  return rows(text, 3, 'nvidia-smi --query-compute-apps').map(([pid, gpuUuid, used], i) => {
    const at = `nvidia-smi --query-compute-apps line ${i + 1}`;
    if (!/^GPU-[0-9a-fA-F-]+$/.test(gpuUuid)) throw new NvidiaSmiParseError(`${at}: "${gpuUuid.slice(0, 60)}" is not a GPU uuid`);
    return { pid: integer(pid, `${at} pid`), gpuUuid, usedBytes: mib(used, `${at} used_memory`) };
  });
}

export interface DeviceMemoryOptions {
  /** The nvidia-smi binary (default: looked up on the PATH of `env`). */
  bin?: string;
  timeoutMs?: number;
  /** How long a result is reused (0: ask every time). */
  cacheMs?: number;
  /** Whose use counts as "this process" (default process.pid). */
  pid?: number;
  /** Environment for the lookup and CUDA_VISIBLE_DEVICES (default process.env). */
  env?: NodeJS.ProcessEnv;
}

interface RunOutput {
  stdout: string;
  stderr: string;
  /** null when it ran to an exit code. */
  failure: string | null;
  code: number | null;
}

function failureOf(bin: string, error: NodeJS.ErrnoException | undefined, timedOut: boolean, timeoutMs: number, code: number | null, signal: string | null, said: string): string | null {
  if (error?.code === 'ENOENT') return `${bin} not found on PATH (no NVIDIA driver tools)`;
  if (timedOut || error?.code === 'ETIMEDOUT') return `${bin} did not answer within ${timeoutMs} ms`;
  if (error) return `${bin} could not run: ${error.message}`;
  if (signal) return `${bin} was killed by ${signal}`;
  // nvidia-smi prints its own failures ("…couldn't communicate with the NVIDIA driver") on stdout.
  if (code !== 0) return `${bin} exited with status ${code}${said.trim() ? `: ${said.trim().split('\n')[0].slice(0, 160)}` : ''}`;
  return null;
}

/** Runs nvidia-smi without blocking; on timeout the child is killed and the answer does not wait for its pipes. */
function runAsync(bin: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv): Promise<RunOutput> {
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (out: RunOutput) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(out);
    };
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ stdout, stderr, failure: failureOf(bin, undefined, true, timeoutMs, null, null, ''), code: null });
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => finish({ stdout, stderr, failure: failureOf(bin, e, false, timeoutMs, null, null, stderr), code: null }));
    child.on('close', (code, signal) => finish({ stdout, stderr, failure: failureOf(bin, undefined, false, timeoutMs, code, signal, stderr || stdout), code }));
  });
}

function runSync(bin: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv): RunOutput {
  const r = spawnSync(bin, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', failure: failureOf(bin, r.error as NodeJS.ErrnoException | undefined, timedOut, timeoutMs, r.status, timedOut ? null : r.signal, r.stderr || r.stdout || ''), code: r.status };
}

function resultOf(gpuRun: RunOutput, appsRun: RunOutput | null): NvidiaSmiResult {
  if (gpuRun.failure) return { ok: false, reason: gpuRun.failure };
  try {
    const gpus = parseGpuQuery(gpuRun.stdout);
    // The per-process table is extra: without it the GPU totals still stand.
    const apps = appsRun && !appsRun.failure ? parseComputeAppsQuery(appsRun.stdout) : [];
    return { ok: true, gpus, apps };
  } catch (e) {
    return { ok: false, reason: `unexpected nvidia-smi output: ${(e as Error).message}` };
  }
}

const cache = new Map<string, { at: number; result: NvidiaSmiResult }>();

/** Results by binary and the PATH it was looked up on. */
const cacheKey = (bin: string, env: NodeJS.ProcessEnv) => `${bin}\0${env.PATH ?? ''}`;

function cached(key: string, cacheMs: number): NvidiaSmiResult | null {
  const hit = cache.get(key);
  return hit && performance.now() - hit.at < cacheMs ? hit.result : null;
}

/** Both nvidia-smi tables (async, never throws). */
export async function queryNvidiaSmi(opts: DeviceMemoryOptions = {}): Promise<NvidiaSmiResult> {
  const { bin = 'nvidia-smi', timeoutMs = DEFAULT_TIMEOUT_MS, cacheMs = DEFAULT_CACHE_MS, env = process.env } = opts;
  const key = cacheKey(bin, env);
  const hit = cached(key, cacheMs);
  if (hit) return hit;
  const gpuRun = await runAsync(bin, GPU_QUERY, timeoutMs, env);
  const result = resultOf(gpuRun, gpuRun.failure ? null : await runAsync(bin, APPS_QUERY, timeoutMs, env));
  cache.set(key, { at: performance.now(), result });
  return result;
}

/** The same, blocking (at most two timeouts): for the synchronous memory plan before a run. */
export function queryNvidiaSmiSync(opts: DeviceMemoryOptions = {}): NvidiaSmiResult {
  const { bin = 'nvidia-smi', timeoutMs = DEFAULT_TIMEOUT_MS, cacheMs = DEFAULT_CACHE_MS, env = process.env } = opts;
  const key = cacheKey(bin, env);
  const hit = cached(key, cacheMs);
  if (hit) return hit;
  const gpuRun = runSync(bin, GPU_QUERY, timeoutMs, env);
  const result = resultOf(gpuRun, gpuRun.failure ? null : runSync(bin, APPS_QUERY, timeoutMs, env));
  cache.set(key, { at: performance.now(), result });
  return result;
}

/** The GPU a provider most likely runs on, with how it was matched; or why none can be named. */
export function pickGpu(result: { gpus: NvidiaGpu[]; apps: NvidiaComputeApp[] }, provider: string, pid: number, env: NodeJS.ProcessEnv): { gpu: NvidiaGpu; note?: string } | { reason: string } {
  const { gpus, apps } = result;
  const own = apps.find((a) => a.pid === pid);
  if (own) {
    const gpu = gpus.find((g) => g.uuid === own.gpuUuid);
    if (gpu) return { gpu };
  }
  if (provider === 'cuda') {
    const first = env.CUDA_VISIBLE_DEVICES?.split(',')[0]?.trim();
    if (first) {
      const gpu = /^\d+$/.test(first) ? gpus.find((g) => g.index === Number(first)) : gpus.find((g) => g.uuid.startsWith(first));
      if (gpu) return { gpu, note: `assumed from CUDA_VISIBLE_DEVICES=${env.CUDA_VISIBLE_DEVICES}` };
      return { reason: `CUDA_VISIBLE_DEVICES=${env.CUDA_VISIBLE_DEVICES} names no GPU nvidia-smi lists` };
    }
    const zero = gpus.find((g) => g.index === 0) ?? gpus[0];
    return gpus.length === 1 ? { gpu: zero } : { gpu: zero, note: `assumed: CUDA device 0 of ${gpus.length}` };
  }
  if (gpus.length === 1) return { gpu: gpus[0], note: 'assumed: the only NVIDIA GPU' };
  return { reason: `${gpus.length} NVIDIA GPUs and nvidia-smi does not list this process on any; the ${provider} adapter is not known` };
}

/** The answer without asking nvidia-smi: null for host-RAM providers, "not reported" for CoreML; undefined: ask. */
function withoutQuery(provider: string): DeviceMemoryReport | null | undefined {
  if (!isGpuProvider(provider)) return null;
  if (provider === 'coreml') return { reported: false, reason: 'CoreML runs on Apple silicon, whose memory is shared with the host' };
  return undefined;
}

/** A report from one nvidia-smi round, for `provider` (null for providers that run in host RAM). */
export function reportFrom(result: NvidiaSmiResult, provider: string, pid: number, env: NodeJS.ProcessEnv): DeviceMemoryReport | null {
  const known = withoutQuery(provider);
  if (known !== undefined) return known;
  if (!result.ok) return { reported: false, reason: result.reason };
  const picked = pickGpu(result, provider, pid, env);
  if ('reason' in picked) return { reported: false, reason: picked.reason };
  const { gpu, note } = picked;
  if (gpu.totalBytes === null || gpu.usedBytes === null) return { reported: false, reason: `nvidia-smi reports [N/A] memory for GPU ${gpu.index} ${gpu.name}` };
  const own = result.apps.find((a) => a.pid === pid && a.gpuUuid === gpu.uuid);
  return {
    reported: true, source: 'nvidia-smi', gpuIndex: gpu.index, gpuName: gpu.name, usedBytes: gpu.usedBytes, totalBytes: gpu.totalBytes,
    processBytes: own?.usedBytes ?? null, ...(note ? { note } : {}),
  };
}

/** Device memory of the GPU `provider` runs on (null for cpu/wasm); never throws. */
export async function reportDeviceMemory(provider: string, opts: DeviceMemoryOptions = {}): Promise<DeviceMemoryReport | null> {
  const known = withoutQuery(provider);
  if (known !== undefined) return known;
  return reportFrom(await queryNvidiaSmi(opts), provider, opts.pid ?? process.pid, opts.env ?? process.env);
}

/** The same, blocking; for planning before a run. */
export function reportDeviceMemorySync(provider: string, opts: DeviceMemoryOptions = {}): DeviceMemoryReport | null {
  const known = withoutQuery(provider);
  if (known !== undefined) return known;
  return reportFrom(queryNvidiaSmiSync(opts), provider, opts.pid ?? process.pid, opts.env ?? process.env);
}

/** The device size the memory plan budgets against for an explicit GPU provider (undefined: host RAM). */
export function planningDeviceMemoryBytes(provider: string | undefined, opts: DeviceMemoryOptions = {}): number | undefined {
  if (!provider || !isGpuProvider(provider)) return undefined;
  const report = reportDeviceMemorySync(provider, opts);
  return report?.reported ? report.totalBytes : undefined;
}

/**
 * Bytes of a training engine's device-resident state: parameters, their gradients and AdamW's m and
 * v, each float32 with the parameters' shapes (4 copies × 4 bytes per parameter).
 */
export function engineStateBytes(shapes: Iterable<readonly number[]>): number {
  let params = 0;
  for (const shape of shapes) params += shape.reduce((a, b) => a * b, 1);
  return 4 * 4 * params;
}

/** The device fields a training engine reports (EngineDevice.memory, memoryBytes, stateBytes). */
export interface EngineMemoryFields {
  memory?: DeviceMemoryReport;
  memoryBytes?: number;
  stateBytes?: number;
}

/** Fills an engine's device record: the system's report for its provider and its own state's bytes; never throws. */
export async function fillEngineMemory(device: EngineMemoryFields & { provider: string }, shapes: Iterable<readonly number[]>, opts: DeviceMemoryOptions = {}): Promise<void> {
  device.stateBytes = engineStateBytes(shapes);
  const report = await reportDeviceMemory(device.provider, opts).catch((e: unknown) => ({ reported: false as const, reason: `device memory query failed: ${(e as Error).message}` }));
  if (!report) return;
  device.memory = report;
  if (report.reported) device.memoryBytes = report.totalBytes;
}

/** A training run's memory facts: the system's report for the engine's provider and the engine's own state bytes. */
export async function trainingMemory(provider: string, shapes: Iterable<readonly number[]>, opts: DeviceMemoryOptions = {}): Promise<{ memory: DeviceMemoryReport | null; stateBytes: number }> {
  return { memory: await reportDeviceMemory(provider, opts), stateBytes: engineStateBytes(shapes) };
}

/**
 * Samples a GPU provider's memory during a run, at most once per `intervalMs` and never two queries
 * at once, without holding up the caller; `record` gets each reported sample with the step it was
 * asked at. For host-RAM providers it never queries.
 */
export function deviceMemorySampler(provider: string, intervalMs: number, record: (step: number, report: Extract<DeviceMemoryReport, { reported: true }>) => void, opts: DeviceMemoryOptions = {}): { sample(step: number): void; stop(): void } {
  let last = -Infinity;
  let busy = false;
  let stopped = !isGpuProvider(provider);
  return {
    sample(step) {
      const now = performance.now();
      if (stopped || busy || now - last < intervalMs) return;
      last = now;
      busy = true;
      void reportDeviceMemory(provider, opts).then((r) => {
        busy = false;
        if (!stopped && r?.reported) record(step, r);
      });
    },
    stop() {
      stopped = true;
    },
  };
}

/** For job log lines after "on <device>": "; GPU memory: …" or "; device memory not reported by webgpu (…)"; '' on CPU. */
export async function deviceMemoryNote(provider: string, opts: DeviceMemoryOptions = {}): Promise<string> {
  const text = describeDeviceMemory(provider, await reportDeviceMemory(provider, opts));
  return text ? `; ${text}` : '';
}
