// Project overview: what the project holds so far (projects.summary), refreshed when a job ends.
import { useCallback, useEffect, useState } from 'react';
import type { ProjectSummary } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api } from '../api/client.js';
import { PageHeader } from '../components/PageHeader.js';
import { StatCard } from '../components/StatCard.js';
import { formatCount, formatTime } from '../format.js';
import { routeHref } from '../hooks/useHashRoute.js';

const FINISHED = new Set(['done', 'failed', 'cancelled', 'interrupted']);

function Breakdown({ counts }: { counts: Record<string, number> }) {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <>
      {entries.map(([k, n]) => (
        <span key={k} className="pill">
          {k} {formatCount(n)}
        </span>
      ))}
    </>
  );
}

export function Overview() {
  const [summary, setSummary] = useState<ProjectSummary | null>(null);
  const reload = useCallback(async () => {
    const s = await attempt(() => api.projects.summary({}));
    if (s) setSummary(s);
  }, []);

  useEffect(() => {
    void reload();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void reload(), 300);
    };
    const stopChanged = api.projects.onChanged(later);
    const stopJobs = api.jobs.onUpdate((job) => FINISHED.has(job.state) && later());
    return () => {
      if (timer) clearTimeout(timer);
      stopChanged();
      stopJobs();
    };
  }, [reload]);

  if (!summary) return <div className="page muted">Loading project…</div>;
  const { project } = summary;
  const jobsTotal = Object.values(summary.jobs).reduce((a, b) => a + b, 0);
  return (
    <div className="page">
      <PageHeader title={project.name}>
        <span className="mono small">{project.dir}</span>
        <span className="muted small">
          {' '}
          · created {formatTime(project.createdAt)} · schema v{project.schemaVersion}
        </span>
      </PageHeader>
      <div className="stats">
        <StatCard label="Documents" value={summary.documents} />
        <StatCard label="Passages" value={summary.passages} />
        <StatCard label="Queries" value={summary.queries.total}>
          <Breakdown counts={summary.queries.byStatus} />
        </StatCard>
        <StatCard label="Models" value={summary.models} />
        <StatCard label="Jobs" value={jobsTotal}>
          <Breakdown counts={summary.jobs} />
        </StatCard>
      </div>
      <section className="card">
        <h2>From text to a tuned search model</h2>
        <ol className="plan">
          <li>
            <a href={routeHref('corpus')}>Corpus</a>: import your documents and split them into passages.
          </li>
          <li>
            <a href={routeHref('models')}>Models</a>: pick a query generator (T5) and a bi-encoder to fine-tune.
          </li>
          <li>
            <a href={routeHref('generate')}>Generate</a> synthetic queries for every passage, then <a href={routeHref('curate')}>curate</a> them.
          </li>
          <li>
            <a href={routeHref('train')}>Train</a> the bi-encoder with a multiple-negatives ranking loss.
          </li>
          <li>
            <a href={routeHref('search')}>Search</a> with an HNSW index and <a href={routeHref('evaluate')}>evaluate</a> against the base model.
          </li>
        </ol>
        <button type="button" className="button" onClick={() => void reload()}>
          Refresh
        </button>
      </section>
    </div>
  );
}
