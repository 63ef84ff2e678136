// The one place that imports onnxruntime-node. Chooses an execution provider (CUDA / DirectML /
// CoreML when the installed package offers them, CPU always), falls back to CPU when a provider
// cannot start, and reports which one is active. Everything else talks to OnnxSession.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { gatedCall } from '../app/native-call-gate.js';

export type ProviderName = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
export type ProviderChoice = 'auto' | ProviderName;

export interface SessionOptions {
  /** intra-op threads; default: onnxruntime's choice (all physical cores). */
  threads?: number;
  /** 'auto' tries the GPU providers the package offers, then CPU. An explicit provider that fails is an error. */
  provider?: ProviderChoice;
  /**
   * false: idle onnxruntime threads sleep right away instead of spinning after each run, leaving the
   * cores to JS work between runs (token sampling between decoder steps). Default: onnxruntime's (spin).
   */
  spinning?: boolean;
  /**
   * Outputs to leave in device memory (WebGPU 'gpu-buffer'; on CPU they are host memory anyway),
   * to be fed to the next run without a host round trip (training state).
   */
  deviceOutputs?: string[];
  /** false: no CPU memory arena (large, varying training allocations are returned after each run). */
  memoryArena?: boolean;
}

/** An onnxruntime tensor, possibly in device memory; fed back to runTensors() as is. Free with dispose(). */
export type DeviceTensor = ort.Tensor;

/** A host tensor as a DeviceTensor (onnxruntime copies it to the device when a run needs it there). */
export function hostTensor(t: TensorIn): DeviceTensor {
  return new ort.Tensor(t.type, t.data, t.dims);
}

/** True when the tensor's data is in host memory (readable with .data). */
export function onHost(t: DeviceTensor): boolean {
  return t.location === 'cpu' || t.location === 'cpu-pinned';
}

export class OnnxSessionError extends Error {
  override name = 'OnnxSessionError';
}

/** Providers tried by 'auto', best first (then WebGPU when a GPU device is present, then CPU). */
const AUTO_ORDER: ProviderName[] = ['cuda', 'dml', 'coreml'];

const NO_GPU_REASON = 'no GPU device (/dev/dri/renderD*, /dev/nvidia*): the only adapter would be CPU-emulated (lavapipe/llvmpipe/SwiftShader), slower than the CPU provider';

/**
 * Whether a real GPU could back a WebGPU adapter. On Linux Dawn's adapters come from Vulkan, and
 * without a render node or NVIDIA device the only Vulkan device is Mesa's CPU rasterizer (which
 * onnxruntime-node does not tell apart); elsewhere assume a hardware adapter. GENQ_WEBGPU_AUTO=0/1 overrides.
 */
export function hardwareGpuPresent(): boolean {
  const forced = process.env.GENQ_WEBGPU_AUTO;
  if (forced === '0' || forced === '1') return forced === '1';
  if (process.platform !== 'linux') return true;
  try {
    if (existsSync('/dev/nvidia0')) return true;
    return readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch {
    return false;
  }
}
const PROVIDER_LIBRARY: Partial<Record<ProviderName, string>> = { cuda: 'onnxruntime_providers_cuda' };

/** What the installed onnxruntime-node was built with; a provider that is not "bundled" needs an extra library. */
export function listProviders(): Array<{ name: string; bundled: boolean; installed: boolean }> {
  const backends: Array<{ name: string; bundled: boolean }> =
    typeof ort.listSupportedBackends === 'function' ? ort.listSupportedBackends() : [{ name: 'cpu', bundled: true }];
  return backends.map((b) => ({ ...b, installed: b.bundled || providerLibraryPresent(b.name as ProviderName) }));
}

function providerLibraryPresent(name: ProviderName): boolean {
  const lib = PROVIDER_LIBRARY[name];
  if (!lib) return false;
  const pkg = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
  const binDir = join(pkg, '..', 'bin', 'napi-v6', process.platform, process.arch);
  const file = process.platform === 'win32' ? `${lib}.dll` : process.platform === 'darwin' ? `lib${lib}.dylib` : `lib${lib}.so`;
  return existsSync(join(binDir, file));
}

export interface TensorIn {
  type: 'int64' | 'float32' | 'bool';
  data: BigInt64Array | Float32Array | Uint8Array;
  dims: number[];
}
export interface TensorOut {
  data: Float32Array;
  dims: number[];
}

export class OnnxSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** The execution provider that actually runs the graph. */
    readonly provider: ProviderName,
    /** Why preferred providers were skipped (empty when the first choice worked). */
    readonly fallbackReasons: string[],
  ) {}

  /** Which provider runs the graph and why preferred ones were not used (for API results and the UI). */
  get device(): { provider: ProviderName; fallbackReasons: string[] } {
    return { provider: this.provider, fallbackReasons: [...this.fallbackReasons] };
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }
  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /**
   * Loads a model (file path or serialised bytes). An explicitly requested provider that cannot run
   * it is an error naming the reason (never a silent CPU run); 'auto' tries the GPU providers the
   * package offers (WebGPU only with a GPU device: a CPU-emulated adapter is slower than the CPU
   * provider), then CPU, and records why each skipped one was not used (fallbackReasons).
   */
  static async create(model: string | Uint8Array, opts: SessionOptions = {}): Promise<OnnxSession> {
    const available = new Set(listProviders().filter((p) => p.installed).map((p) => p.name));
    const choice = opts.provider ?? 'auto';
    const where = typeof model === 'string' ? model : 'in-memory graph';
    const reasons: string[] = [];
    const wanted: ProviderName[] = [];
    if (choice === 'auto') {
      for (const p of [...AUTO_ORDER, 'webgpu' as const]) {
        if (!available.has(p)) reasons.push(`${p}: not offered by the installed onnxruntime-node${p === 'cuda' ? ' (npm run setup:cuda)' : ''}`);
        else if (p === 'webgpu' && !hardwareGpuPresent()) reasons.push(`webgpu: ${NO_GPU_REASON}`);
        else wanted.push(p);
      }
    } else if (choice !== 'cpu') {
      if (!available.has(choice)) {
        throw new OnnxSessionError(`${where}: provider "${choice}" is not offered by the installed onnxruntime-node${choice === 'cuda' ? ' (install it with npm run setup:cuda)' : ''}`);
      }
      wanted.push(choice);
    }
    for (const provider of [...wanted, 'cpu' as const]) {
      try {
        const options: ort.InferenceSession.SessionOptions = {
          executionProviders: [provider],
          graphOptimizationLevel: 'all',
          // GENQ_ORT_PROFILE=<path prefix>: onnxruntime's per-kernel profile, one JSON file per session, written on release().
          ...(process.env.GENQ_ORT_PROFILE ? { enableProfiling: true, profileFilePrefix: process.env.GENQ_ORT_PROFILE } : {}),
          ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
          interOpNumThreads: 1,
          executionMode: 'sequential',
          logSeverityLevel: 3,
          ...(opts.memoryArena === false ? { enableCpuMemArena: false } : {}),
          ...(opts.deviceOutputs?.length && provider !== 'cpu'
            ? { preferredOutputLocation: Object.fromEntries(opts.deviceOutputs.map((n) => [n, 'gpu-buffer' as const])) }
            : {}),
          ...(opts.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } : {}),
        };
        const session = await gatedCall(() => (typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options)));
        return new OnnxSession(session, provider, reasons);
      } catch (e) {
        const message = (e as Error).message.split('\n')[0];
        if (provider === 'cpu') throw new OnnxSessionError(`${where}: onnxruntime cannot load the model (${message})`);
        if (choice !== 'auto') throw new OnnxSessionError(`${where}: provider "${provider}" failed: ${message}`);
        reasons.push(`${provider}: ${message}`);
      }
    }
    throw new OnnxSessionError('unreachable: the CPU provider is always tried');
  }

  /** Runs with onnxruntime tensors in and out (device-resident state); the caller owns and disposes the outputs. */
  async runTensors(feeds: Record<string, DeviceTensor>, fetch: string[]): Promise<Record<string, DeviceTensor>> {
    const results = await gatedCall(() => this.session.run(feeds, fetch));
    const out: Record<string, DeviceTensor> = {};
    for (const name of fetch) {
      const t = results[name];
      if (!t) throw new OnnxSessionError(`output "${name}" is missing`);
      out[name] = t;
    }
    return out;
  }

  /** Runs the graph and returns the requested float outputs. */
  async run(feeds: Record<string, TensorIn>, fetch: string[]): Promise<Record<string, TensorOut>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    const results = await gatedCall(() => this.session.run(ortFeeds, fetch));
    const out: Record<string, TensorOut> = {};
    for (const name of fetch) {
      const t = results[name];
      if (!t || t.type !== 'float32') throw new OnnxSessionError(`output "${name}" is missing or not float32`);
      out[name] = { data: t.data as Float32Array, dims: [...t.dims] };
    }
    for (const t of Object.values(ortFeeds)) t.dispose();
    return out;
  }

  async release(): Promise<void> {
    if (process.env.GENQ_ORT_PROFILE) this.session.endProfiling();
    await gatedCall(() => this.session.release());
  }
}

/** "cpu (cuda: not offered …; webgpu: no GPU device …)": the device that ran and why preferred ones were not used, for job logs. */
export function describeDevice(device: { provider: string; fallbackReasons: string[] }): string {
  return `${device.provider}${device.fallbackReasons.length ? ` (${device.fallbackReasons.join('; ')})` : ''}`;
}
