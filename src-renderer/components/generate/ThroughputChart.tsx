// Passages/s and queries/s of the running generation job, from its pushed metric points.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface ThroughputPoint {
  done: number;
  passages?: number;
  queries?: number;
}

export function ThroughputChart({ points }: { points: ThroughputPoint[] }) {
  if (points.length === 0) return <p className="muted small">The throughput chart fills in as batches finish.</p>;
  return (
    <div className="generate__chart" aria-label="Throughput chart">
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="done" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11 }} label={{ value: 'passages done', position: 'insideBottomRight', offset: -2, fontSize: 11 }} />
          <YAxis tick={{ fontSize: 11 }} width={44} />
          <Tooltip />
          <Legend />
          <Line type="monotone" dataKey="passages" name="passages/s" stroke="var(--accent)" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="queries" name="queries/s" stroke="var(--success, #2a9d55)" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
