// Histogram of one signal over the filtered queries (with the filter's threshold drawn in), and
// accepted / rejected / pending per document.
import { useEffect, useState } from 'react';
import { Bar, BarChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { SIGNAL_NAMES, type HistogramBin, type QueryFilterInput, type SignalName } from '../../../shared/services/curation.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount } from '../../format.js';
import { SIGNAL_LABELS } from './signal-format.js';

interface Props {
  filter: QueryFilterInput;
  version: number;
}

export function SignalCharts({ filter, version }: Props) {
  const [signal, setSignal] = useState<SignalName>('copyRatio');
  const [bins, setBins] = useState<HistogramBin[]>([]);
  /** Matching queries without a value for the signal. */
  const [missing, setMissing] = useState(0);
  const [docs, setDocs] = useState<Array<{ documentId: number; title: string | null; accepted: number; rejected: number; pending: number }>>([]);
  const key = JSON.stringify(filter);
  useEffect(() => {
    // The histogram shows the distribution without this signal's own conditions, so the threshold line is meaningful.
    const base = JSON.parse(key) as QueryFilterInput;
    const others = { ...base, conditions: (base.conditions ?? []).filter((c) => c.signal !== signal) };
    void attempt(() => api.curation.histogram({ signal, bins: 24, filter: others })).then((h) => {
      if (!h) return;
      setBins(h.bins);
      setMissing(h.missing);
    });
  }, [signal, key, version]);
  useEffect(() => {
    void attempt(() => api.curation.perDocument({ limit: 20 })).then((d) => d && setDocs(d));
  }, [version]);
  const threshold = (filter.conditions ?? []).find((c) => c.signal === signal)?.value;
  const data = bins.map((b) => ({ x: Number(b.from.toFixed(2)), count: b.count }));
  // On a category axis the threshold line sits on the bin that holds it.
  const thresholdBin = threshold === undefined ? -1 : bins.findIndex((b, i) => threshold < b.to || i === bins.length - 1);
  return (
    <section className="card ccharts" aria-label="Signal charts">
      <div className="ccharts__head">
        <h2>Distribution</h2>
        <select aria-label="Histogram signal" value={signal} onChange={(e) => setSignal(e.target.value as SignalName)}>
          {SIGNAL_NAMES.map((s) => (
            <option key={s} value={s}>
              {SIGNAL_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="ccharts__plot">
        {data.length ? (
          <ResponsiveContainer width="100%" height={150}>
            <BarChart data={data}>
              {/* Bins as categories: each bar keeps to its own slot, clear of the y-axis labels. */}
              <XAxis dataKey="x" type="category" interval="preserveStartEnd" fontSize={10} />
              <YAxis fontSize={10} width={40} />
              <Tooltip />
              <Bar dataKey="count" fill="var(--accent)" isAnimationActive={false} />
              {threshold !== undefined && thresholdBin >= 0 && <ReferenceLine x={data[thresholdBin].x} stroke="var(--danger)" strokeDasharray="4 2" label={{ value: `${threshold}`, fontSize: 10 }} />}
            </BarChart>
          </ResponsiveContainer>
        ) : (
          <p className="muted small">{missing > 0 ? `No values yet for ${formatCount(missing)} matching queries: compute the signals.` : 'No query matches the filter.'}</p>
        )}
      </div>
      <h2>Per document</h2>
      <div className="ccharts__plot">
        <ResponsiveContainer width="100%" height={150}>
          <BarChart data={docs.map((d) => ({ ...d, name: d.title ?? `doc ${d.documentId}` }))}>
            <XAxis dataKey="name" hide />
            <YAxis fontSize={10} width={40} />
            <Tooltip />
            <Bar dataKey="accepted" stackId="s" fill="var(--ok)" isAnimationActive={false} />
            <Bar dataKey="rejected" stackId="s" fill="var(--danger)" isAnimationActive={false} />
            <Bar dataKey="pending" stackId="s" fill="var(--border)" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}
