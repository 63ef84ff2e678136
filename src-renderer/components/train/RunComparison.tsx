// Several runs side by side: their settings and outcomes in a table, their smoothed loss curves
// overlaid on one chart.
import { useEffect, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrainingComparison, TrainingRun } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { fitDomain, mergeSeries, smooth } from './curves.js';

const COLORS = ['var(--accent)', 'var(--ok)', 'var(--warn)', 'var(--danger)', '#8e44ad', '#16a085', '#7f8c8d'];
const best = (points: Array<{ value: number }> | undefined) => (points?.length ? Math.max(...points.map((p) => p.value)) : undefined);

export function RunComparison({ runs }: { runs: TrainingRun[] }) {
  const [selected, setSelected] = useState<number[]>(() => runs.slice(0, 3).map((r) => r.id));
  const [data, setData] = useState<TrainingComparison | null>(null);
  const key = selected.join(',') + '|' + runs.map((r) => `${r.id}:${r.status}`).join(',');
  useEffect(() => {
    let live = true;
    if (selected.length === 0) return setData(null);
    void attempt(() => api.training.compare({ runIds: selected, points: 400 })).then((d) => live && d && setData(d));
    return () => {
      live = false;
    };
  }, [key]);

  const toggle = (id: number) => setSelected((cur) => (cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id].slice(-8)));
  const rows = data ? mergeSeries(Object.fromEntries(data.runs.map((r) => [`run ${r.run.id}`, smooth(r.loss)]))) : [];
  return (
    <div className="train-compare">
      <table className="train-table" aria-label="Run comparison">
        <thead>
          <tr>
            <th />
            <th>Run</th>
            <th>Status</th>
            <th className="num">lr</th>
            <th className="num">Batch</th>
            <th className="num">Steps</th>
            <th className="num">Final loss</th>
            <th className="num">Best MRR@10</th>
            <th className="num">Best Recall@10</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const c = data?.runs.find((r) => r.run.id === run.id);
            return (
              <tr key={run.id} aria-label={`Compare run ${run.id}`}>
                <td>
                  <input type="checkbox" aria-label={`Include run ${run.id}`} checked={selected.includes(run.id)} onChange={() => toggle(run.id)} />
                </td>
                <td>
                  <b>#{run.id}</b> <span className="muted small">{run.config.baseModel.name}</span>
                </td>
                <td>{run.status}</td>
                <td className="num">{run.config.settings.lr}</td>
                <td className="num">{run.config.settings.batchSize}</td>
                <td className="num">
                  {run.stepsDone}/{run.config.totalSteps}
                </td>
                <td className="num">{(run.summary?.finalLoss ?? run.lastLoss)?.toFixed(4) ?? '—'}</td>
                <td className="num">{best(c?.evals['mrr@10'])?.toFixed(4) ?? '—'}</td>
                <td className="num">{best(c?.evals['recall@10'])?.toFixed(4) ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {data && data.runs.length > 0 && (
        <figure className="chart" aria-label="Loss curves of the compared runs">
          <figcaption>Smoothed loss</figcaption>
          <ResponsiveContainer width="100%" height={260}>
            <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11 }} allowDecimals={false} />
              <YAxis tick={{ fontSize: 11 }} width={52} domain={fitDomain(rows)} tickFormatter={(v: number) => v.toFixed(2)} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} labelFormatter={(s) => `step ${s}`} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {data.runs.map((r, i) => (
                <Line key={r.run.id} dataKey={`run ${r.run.id}`} stroke={COLORS[i % COLORS.length]} strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </figure>
      )}
    </div>
  );
}
