// What the system reports about a GPU's memory (src-main/core/models/device-memory.ts asks
// nvidia-smi), and the one wording the CLI, job logs and the Train / Generate / Models pages use for
// it. onnxruntime itself reports no device memory; where nothing else does, the text says so
// instead of showing a number.

/** Providers that run on a device with its own memory (the rest run in host RAM and show no memory line). */
export const GPU_PROVIDERS: readonly string[] = ['webgpu', 'cuda', 'dml', 'coreml'];

export const isGpuProvider = (provider: string): boolean => GPU_PROVIDERS.includes(provider);

/** Device memory as the system reports it, or why it is not reported. */
export type DeviceMemoryReport =
  | {
      reported: true;
      /** The tool that reported it. */
      source: 'nvidia-smi';
      /** nvidia-smi's GPU index and product name. */
      gpuIndex: number;
      gpuName: string;
      /** Memory in use on the whole GPU (every process) and its size, bytes. */
      usedBytes: number;
      totalBytes: number;
      /** This process's own use, where nvidia-smi lists its pid (null: not listed or [N/A]). */
      processBytes: number | null;
      /** How the GPU was matched when this process is not listed, e.g. "assumed: the only NVIDIA GPU". */
      note?: string;
    }
  | {
      reported: false;
      /** Why, e.g. "nvidia-smi not found on PATH", "WebGPU on a non-NVIDIA adapter". */
      reason: string;
    };

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Binary units, as nvidia-smi counts (MiB): "3.2 GiB", "512 MiB", "5.2 MiB". */
export function formatMemoryBytes(bytes: number): string {
  if (bytes === 0) return '0 MiB';
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(1)} GiB`;
  return bytes >= 100 * MIB ? `${Math.round(bytes / MIB)} MiB` : `${(bytes / MIB).toFixed(1)} MiB`;
}

/**
 * "GPU memory: 3.2 GiB used of 79.6 GiB (nvidia-smi, GPU 0 NVIDIA H100 80GB HBM3; this process 2.1 GiB)",
 * "device memory not reported by webgpu (nvidia-smi not found on PATH)", or null for a provider that
 * runs in host RAM (cpu, wasm) or when nothing was asked yet.
 */
export function describeDeviceMemory(provider: string, report: DeviceMemoryReport | null | undefined): string | null {
  if (!isGpuProvider(provider)) return null;
  if (!report) return `device memory not reported by ${provider}`;
  if (!report.reported) return `device memory not reported by ${provider} (${report.reason})`;
  const details = [`${report.source}, GPU ${report.gpuIndex} ${report.gpuName}`];
  if (report.processBytes !== null) details.push(`this process ${formatMemoryBytes(report.processBytes)}`);
  if (report.note) details.push(report.note);
  return `GPU memory: ${formatMemoryBytes(report.usedBytes)} used of ${formatMemoryBytes(report.totalBytes)} (${details.join('; ')})`;
}

/** The training engine's own device-resident state, labelled as exactly that (not "GPU memory"). */
export function describeEngineState(bytes: number, provider: string): string {
  return `engine state (parameters, gradients, Adam moments): ${formatMemoryBytes(bytes)} (${bytes} bytes) on ${provider}`;
}

/** The memory lines of a training run: GPU memory (GPU providers) and the engine's own state (when known). */
export function trainingMemoryLines(provider: string, memory: DeviceMemoryReport | null | undefined, stateBytes: number | undefined): string[] {
  const gpu = describeDeviceMemory(provider, memory);
  return [...(gpu ? [gpu] : []), ...(stateBytes !== undefined ? [describeEngineState(stateBytes, provider)] : [])];
}

/** Metric series a training job records GPU memory samples in (bytes), for the Train page's live line. */
export const GPU_MEMORY_SERIES = { used: 'gpu_memory_used_bytes', total: 'gpu_memory_total_bytes' } as const;
