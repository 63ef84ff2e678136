// The `runs` rows of kind 'training' and their metric points: creation, summary, listing, series,
// and trimming the points a resumed run will record again.
import type Database from 'better-sqlite3';
import type { JobState } from '../../../shared/services/jobs.js';
import type { MetricSeriesPoint, TrainingResult, TrainingRun, TrainingRunConfig } from '../../../shared/services/training.js';

export class TrainingRunNotFoundError extends Error {
  override name = 'TrainingRunNotFoundError';
}

/** Series recorded once per optimizer step, at the step's 0-based index. */
export const STEP_SERIES = ['loss', 'lr', 'grad_norm', 'pairs_per_s', 'eta_s'] as const;
/** Series recorded per dev evaluation, at the number of steps completed (0 = the base model). */
export const EVAL_EPOCH_SERIES = 'eval_epoch';

export function createTrainingRun(db: Database.Database, run: { jobId: number; modelId: number; name: string; config: TrainingRunConfig }): number {
  return Number(
    db.prepare("INSERT INTO runs (kind, name, job_id, model_id, config) VALUES ('training', ?, ?, ?, ?)").run(run.name, run.jobId, run.modelId, JSON.stringify(run.config)).lastInsertRowid,
  );
}

interface RunRow {
  id: number;
  name: string | null;
  job_id: number | null;
  model_id: number | null;
  config: string;
  summary: string | null;
  created_at: string;
  job_state: JobState | null;
  steps_done: number;
  last_loss: number | null;
}

const SELECT_RUNS = `
  SELECT r.id, r.name, r.job_id, r.model_id, r.config, r.summary, r.created_at, j.state AS job_state,
         (SELECT COUNT(*) FROM metric_points m WHERE m.run_id = r.id AND m.series = 'loss') AS steps_done,
         (SELECT m.value FROM metric_points m WHERE m.run_id = r.id AND m.series = 'loss' ORDER BY m.step DESC, m.id DESC LIMIT 1) AS last_loss
    FROM runs r LEFT JOIN jobs j ON j.id = r.job_id
   WHERE r.kind = 'training'`;

function toRun(r: RunRow): TrainingRun {
  const summary = r.summary ? (JSON.parse(r.summary) as TrainingResult) : null;
  return {
    id: r.id,
    name: r.name,
    jobId: r.job_id,
    status: r.job_state ?? (summary ? 'done' : 'unknown'),
    baseModelId: r.model_id,
    config: JSON.parse(r.config) as TrainingRunConfig,
    summary,
    stepsDone: r.steps_done,
    lastLoss: r.last_loss,
    createdAt: r.created_at,
  };
}

export function listTrainingRuns(db: Database.Database): TrainingRun[] {
  return (db.prepare(`${SELECT_RUNS} ORDER BY r.id DESC`).all() as RunRow[]).map(toRun);
}

export function getTrainingRun(db: Database.Database, runId: number): TrainingRun {
  const row = db.prepare(`${SELECT_RUNS} AND r.id = ?`).get(runId) as RunRow | undefined;
  if (!row) throw new TrainingRunNotFoundError(`no training run with id ${runId} in this project`);
  return toRun(row);
}

export function setTrainingSummary(db: Database.Database, runId: number, summary: TrainingResult): void {
  db.prepare('UPDATE runs SET summary = ? WHERE id = ?').run(JSON.stringify(summary), runId);
}

export function attachJob(db: Database.Database, runId: number, jobId: number): void {
  db.prepare('UPDATE runs SET job_id = ?, summary = NULL WHERE id = ?').run(jobId, runId);
}

/**
 * Forgets what a resume from `stepsDone` completed steps records again: per-step points at index
 * ≥ stepsDone and evaluations after it (the evaluation at stepsDone is in the checkpoint).
 */
export function trimMetricPoints(db: Database.Database, runId: number, stepsDone: number): void {
  const perStep = STEP_SERIES.map(() => '?').join(',');
  db.prepare(`DELETE FROM metric_points WHERE run_id = ? AND ((series IN (${perStep}) AND step >= ?) OR (series NOT IN (${perStep}) AND step > ?))`).run(
    runId,
    ...STEP_SERIES,
    stepsDone,
    ...STEP_SERIES,
    stepsDone,
  );
}

/** Every series of a run (or the named ones), points ordered by step. */
export function metricSeries(db: Database.Database, runId: number, series?: string[]): Record<string, MetricSeriesPoint[]> {
  const filter = series?.length ? `AND series IN (${series.map(() => '?').join(',')})` : '';
  const rows = db.prepare(`SELECT series, step, value FROM metric_points WHERE run_id = ? ${filter} ORDER BY series, step, id`).all(runId, ...(series ?? [])) as Array<{
    series: string;
    step: number;
    value: number;
  }>;
  const out: Record<string, MetricSeriesPoint[]> = {};
  for (const r of rows) (out[r.series] ??= []).push({ step: r.step, value: r.value });
  return out;
}

/** At most `points` points: the mean of each of `points` equal step ranges (a curve's shape kept). */
export function downsample(points: MetricSeriesPoint[], max: number): MetricSeriesPoint[] {
  if (points.length <= max) return points;
  const out: MetricSeriesPoint[] = [];
  const per = points.length / max;
  for (let b = 0; b < max; b++) {
    const chunk = points.slice(Math.floor(b * per), Math.floor((b + 1) * per));
    if (chunk.length === 0) continue;
    out.push({ step: chunk[chunk.length - 1].step, value: chunk.reduce((s, p) => s + p.value, 0) / chunk.length });
  }
  return out;
}
