// Pure facts the Train page shows (no API calls, so they are unit-tested without a browser).
import type { MetricSeriesPoint, MiningRunInfo, ProjectModel, TrainingRun } from '../../../shared/api.js';
import { describeDeviceMemory, describeEngineState, formatMemoryBytes, GPU_MEMORY_SERIES } from '../../../shared/device-memory.js';

/** What GPL still needs, as short phrases ([] when it can run). */
export function gplMissing(models: ProjectModel[], runs: MiningRunInfo[] | null): string[] {
  const missing: string[] = [];
  if (!models.some((m) => m.role === 'cross-encoder')) missing.push('a cross-encoder to label margins (add one on the Models page)');
  if (runs === null || !runs.some((r) => r.state === 'done')) missing.push('a finished mining run (retrievers BM25 and/or an encoder, then the cross-encoder)');
  return missing;
}

/** "ort webgpu" once the run reports the device that ran; before that what was asked for. */
export function runDevice(run: TrainingRun): string {
  if (run.summary?.device) return run.summary.device;
  if (run.summary?.backend) return `${run.summary.engine ?? 'tfjs'} ${run.summary.backend}`;
  const s = run.config.settings as { engine?: string; provider?: string; backend?: string; loss?: string };
  const engine = s.engine ?? 'auto';
  const device = engine === 'tfjs' ? s.backend : s.provider;
  return `${s.loss === 'margin-mse' ? 'GPL MarginMSE' : 'GenQ MNR'} · engine ${engine}${device && device !== 'auto' ? ` ${device}` : ''}`;
}

/**
 * A run's memory lines. Finished: GPU memory at its end (GPU providers: as nvidia-smi reported it, or
 * why not) and the engine's own state. Running: the job's latest GPU memory sample (metric series,
 * every 15 s where nvidia-smi reports); nothing else is known yet.
 */
export function runMemory(run: TrainingRun, series: Record<string, MetricSeriesPoint[]>): { gpu: string | null; state: string | null } {
  const s = run.summary;
  if (s?.backend) {
    return {
      // Runs from before memory was recorded have no deviceMemory: say nothing rather than "not reported".
      gpu: s.deviceMemory !== undefined ? describeDeviceMemory(s.backend, s.deviceMemory) : null,
      state: s.engineStateBytes !== undefined ? describeEngineState(s.engineStateBytes, s.backend) : null,
    };
  }
  const used = series[GPU_MEMORY_SERIES.used]?.at(-1);
  const total = series[GPU_MEMORY_SERIES.total]?.at(-1);
  const gpu = used && total ? `GPU memory: ${formatMemoryBytes(used.value)} used of ${formatMemoryBytes(total.value)} (nvidia-smi, at step ${used.step})` : null;
  return { gpu, state: null };
}
