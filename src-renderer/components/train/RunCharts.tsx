// A run's live curves: the loss per step (raw and smoothed) and the learning-rate schedule.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { fitDomain, mergeSeries, smooth } from './curves.js';
import type { SeriesMap } from './useTraining.js';

const fmt = (v: unknown) => (typeof v === 'number' ? (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(4)) : String(v));

export function RunCharts({ series }: { series: SeriesMap }) {
  const loss = series.loss ?? [];
  const lossRows = mergeSeries({ loss, smoothed: smooth(loss) });
  const lrRows = mergeSeries({ lr: series.lr ?? [] });
  return (
    <div className="train-charts">
      <figure className="chart" aria-label="Loss curve" data-points={loss.length}>
        <figcaption>Loss per step</figcaption>
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={lossRows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11 }} allowDecimals={false} />
            <YAxis tick={{ fontSize: 11 }} width={52} domain={fitDomain(lossRows)} tickFormatter={(v: number) => v.toFixed(2)} />
            <Tooltip formatter={fmt} labelFormatter={(s) => `step ${s}`} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Line dataKey="loss" name="loss" className="train-line--raw" stroke="var(--muted)" strokeOpacity={0.45} dot={false} isAnimationActive={false} />
            <Line dataKey="smoothed" name="smoothed" className="train-line--smooth" stroke="var(--accent)" strokeWidth={2} dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure className="chart" aria-label="Learning-rate curve">
        <figcaption>Learning rate</figcaption>
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={lrRows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11 }} allowDecimals={false} />
            <YAxis tick={{ fontSize: 11 }} width={60} tickFormatter={(v: number) => v.toExponential(1)} />
            <Tooltip formatter={fmt} labelFormatter={(s) => `step ${s}`} />
            <Line dataKey="lr" name="lr" stroke="var(--ok)" strokeWidth={2} dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
