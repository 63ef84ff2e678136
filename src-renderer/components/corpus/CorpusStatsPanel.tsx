// Corpus at a glance: counts, the token-length histogram and how many passages are duplicates.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CorpusStats } from '../../../shared/api.js';
import { formatCount } from '../../format.js';
import { StatCard } from '../StatCard.js';

/** The service lists only non-empty buckets; a histogram should show the empty ones between too. */
export function fillHistogram(buckets: CorpusStats['histogram']): CorpusStats['histogram'] {
  if (buckets.length < 2) return buckets;
  const size = buckets[0].to - buckets[0].from;
  const aligned = size > 0 && buckets.every((b) => b.to - b.from === size && b.from % size === 0);
  const span = (buckets[buckets.length - 1].from - buckets[0].from) / size;
  if (!aligned || span > 400) return buckets;
  const byFrom = new Map(buckets.map((b) => [b.from, b]));
  const out: CorpusStats['histogram'] = [];
  for (let from = buckets[0].from; from <= buckets[buckets.length - 1].from; from += size) out.push(byFrom.get(from) ?? { from, to: from + size, count: 0 });
  return out;
}

export function CorpusStatsPanel({ stats }: { stats: CorpusStats }) {
  const histogram = fillHistogram(stats.histogram).map((b) => ({ range: `${b.from}–${b.to - 1}`, passages: b.count }));
  const duplicates = [
    { kind: 'original', passages: stats.originals },
    { kind: 'exact dup', passages: stats.duplicates.exact },
    { kind: 'near dup', passages: stats.duplicates.near },
  ];
  return (
    <section className="card corpus-stats" aria-label="Corpus statistics">
      <div className="stats">
        <StatCard label="Documents" value={stats.documents} />
        <StatCard label="Passages" value={stats.passages} />
        <StatCard label="Duplicates" value={stats.duplicates.exact + stats.duplicates.near}>
          <span className="pill">exact {formatCount(stats.duplicates.exact)}</span>
          <span className="pill">near {formatCount(stats.duplicates.near)}</span>
        </StatCard>
        <StatCard label="Tokens" value={stats.tokens.total}>
          <span className="pill">mean {stats.tokens.mean.toFixed(0)}</span>
          <span className="pill">max {formatCount(stats.tokens.max)}</span>
        </StatCard>
      </div>
      <div className="corpus-charts">
        <figure className="chart" aria-label="Token-length histogram">
          <figcaption>Passage length (tokens)</figcaption>
          <ResponsiveContainer width="100%" height={200}>
            <BarChart data={histogram} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="range" tick={{ fontSize: 11 }} interval="preserveStartEnd" />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={48} />
              <Tooltip cursor={{ fillOpacity: 0.15 }} />
              <Bar dataKey="passages" className="chart__bar" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
        <figure className="chart chart--narrow" aria-label="Duplicates chart">
          <figcaption>Duplicates</figcaption>
          <ResponsiveContainer width="100%" height={200}>
            <BarChart data={duplicates} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="kind" tick={{ fontSize: 11 }} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={48} />
              <Tooltip cursor={{ fillOpacity: 0.15 }} />
              <Bar dataKey="passages" className="chart__bar chart__bar--dupes" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      </div>
    </section>
  );
}
