// Pure facts the Train page shows (no API calls, so they are unit-tested without a browser).
import type { MiningRunInfo, ProjectModel, TrainingRun } from '../../../shared/api.js';

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
