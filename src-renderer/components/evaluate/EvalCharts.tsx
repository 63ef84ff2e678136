// Bar charts: one evaluation's metrics per retriever (model version), and one metric across the
// evaluation history (per run).
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { EVAL_METRIC_NAMES, type EvalMetricName, type EvalResultRow } from '../../../shared/services/search.js';
import { historyChartData, METRIC_LABELS, metricsChartData, retrieverNames, seriesColor, type Evaluation } from './eval-format.js';

const tooltipFormat = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));

export function ResultsChart({ rows }: { rows: EvalResultRow[] }) {
  return (
    <div className="echart" aria-label="Metrics per retriever chart" data-testid="results-chart">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={metricsChartData(rows)}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="metric" fontSize={11} />
          <YAxis domain={[0, 1]} fontSize={11} width={36} />
          <Tooltip formatter={tooltipFormat} />
          <Legend />
          {rows.map((r, i) => (
            <Bar key={r.retriever} dataKey={r.retriever} fill={seriesColor(i)} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function HistoryChart({ evaluations }: { evaluations: Evaluation[] }) {
  const [metric, setMetric] = useState<EvalMetricName>('ndcg@10');
  const names = retrieverNames(evaluations);
  return (
    <div className="echart" data-testid="history-chart">
      <label className="small">
        Metric{' '}
        <select aria-label="History metric" value={metric} onChange={(e) => setMetric(e.target.value as EvalMetricName)}>
          {EVAL_METRIC_NAMES.map((m) => (
            <option key={m} value={m}>
              {METRIC_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={historyChartData(evaluations, metric)}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="run" fontSize={11} />
          <YAxis domain={[0, 1]} fontSize={11} width={36} />
          <Tooltip formatter={tooltipFormat} />
          <Legend />
          {names.map((name, i) => (
            <Bar key={name} dataKey={name} fill={seriesColor(i)} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
