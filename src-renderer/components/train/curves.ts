// Pure helpers for the training charts: smoothing a noisy loss curve the way TensorBoard does,
// merging series into recharts rows, and summarising a run's dev evaluations per epoch.
import type { MetricSeriesPoint } from '../../../shared/api.js';

/** TensorBoard's smoothing: an exponential moving average with debiasing (the start is not pulled toward 0). */
export function smooth(points: MetricSeriesPoint[], weight = 0.9): MetricSeriesPoint[] {
  let last = 0;
  let debias = 0;
  return points.map((p) => {
    last = last * weight + (1 - weight) * p.value;
    debias = debias * weight + (1 - weight);
    return { step: p.step, value: last / debias };
  });
}

/** Rows {step, a, b, …} for a chart with one line per named series (missing values stay undefined). */
export function mergeSeries(series: Record<string, MetricSeriesPoint[]>): Array<Record<string, number>> {
  const rows = new Map<number, Record<string, number>>();
  for (const [name, points] of Object.entries(series)) {
    for (const p of points) {
      const row = rows.get(p.step) ?? { step: p.step };
      row[name] = p.value;
      rows.set(p.step, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.step - b.step);
}

export interface EpochEval {
  step: number;
  /** 0 = the base model before training, n = after epoch n (or the end of a partial epoch). */
  epoch: number;
  metrics: Record<string, number>;
}

/** One row per dev evaluation, from the eval_epoch series and the metric series at the same steps. */
export function epochEvals(series: Record<string, MetricSeriesPoint[]>, metrics: readonly string[]): EpochEval[] {
  return (series.eval_epoch ?? []).map((e) => ({
    step: e.step,
    epoch: e.value + 1,
    metrics: Object.fromEntries(metrics.map((m) => [m, series[m]?.find((p) => p.step === e.step)?.value]).filter(([, v]) => v !== undefined)),
  }));
}

/** Adds points to a series kept sorted by step; a point for a step already present replaces it (a resumed run redoes steps). */
export function addPoints(into: MetricSeriesPoint[], points: MetricSeriesPoint[]): MetricSeriesPoint[] {
  if (points.length === 0) return into;
  const out = into.slice();
  for (const p of points) {
    if (out.length === 0 || p.step > out[out.length - 1].step) {
      out.push(p);
      continue;
    }
    const cut = out.findIndex((q) => q.step >= p.step);
    out.splice(cut, out.length - cut, p);
  }
  return out;
}

/**
 * A y-axis range fitted to the plotted values (not from 0): a loss that moves between 2.1 and 2.4
 * fills the chart. 5% padding of the span (or of the value when flat); 'auto' while there is no data.
 */
export function fitDomain(rows: ReadonlyArray<Record<string, number | undefined>>, keys?: readonly string[]): [number, number] | ['auto', 'auto'] {
  let min = Infinity;
  let max = -Infinity;
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) {
      if (k === 'step' || (keys && !keys.includes(k)) || typeof v !== 'number' || !Number.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  if (min > max) return ['auto', 'auto'];
  const pad = (max - min) * 0.05 || Math.abs(max) * 0.05 || 0.05;
  return [min - pad, max + pad];
}
