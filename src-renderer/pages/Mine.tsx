// Mine (GPL): pick retrievers and a cross-encoder, run the resumable 'mining.run' job with
// progress, then inspect each query's mined hard negatives with their cross-encoder scores and
// margins (why a negative is hard) and drop false negatives by hand or below a margin threshold.
// "Run on workers" sends the cross-encoder labelling to `genq worker`s (params.workers).
import { useCallback, useEffect, useState } from 'react';
import type { MinedNegative, MinedQuery, MiningReport } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api } from '../api/client.js';
import '../components/mine/mine.css';
import { MinedQueries, PAGE } from '../components/mine/MinedQueries.js';
import { DEFAULT_MINE_FORM, MineSetup, mineParams, type MineForm } from '../components/mine/MineSetup.js';
import { NegativesPane } from '../components/mine/NegativesPane.js';
import { ThresholdDrop } from '../components/mine/ThresholdDrop.js';
import { PageHeader } from '../components/PageHeader.js';
import { initialWorkersChoice, RunOnWorkers, workersBlockedReason, workersOption } from '../components/workers/RunOnWorkers.js';
import { JobProgress, PauseResumeButtons } from '../components/JobProgress.js';
import { formatCount } from '../format.js';
import { FINISHED_STATES, useLatestJob } from '../hooks/useLatestJob.js';
import { routeHref } from '../hooks/useHashRoute.js';
import { useProjectModels } from '../hooks/useProjectModels.js';
import type { PageProps } from '../routes.js';

const KIND = 'mining.run';

function Stat({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <div title={title}>
      <div className="small muted">{label}</div>
      <div>{value}</div>
    </div>
  );
}

export function Mine(_props: PageProps) {
  const [form, setForm] = useState<MineForm>(DEFAULT_MINE_FORM);
  // Preselect the newest cross-encoder on the first list (unless one is picked already).
  const listed = useProjectModels(({ list, first }) => {
    if (first) setForm((f) => (f.crossEncoderId === null ? { ...f, crossEncoderId: list.filter((m) => m.role === 'cross-encoder').at(-1)?.id ?? null } : f));
  });
  const models = listed.models ?? [];
  const [workers, setWorkers] = useState(initialWorkersChoice);
  const [job, setJob] = useLatestJob(KIND);
  const running = !!job && !FINISHED_STATES.has(job.state);
  const [report, setReport] = useState<MiningReport | null>(null);
  const [page, setPage] = useState<{ total: number; rows: MinedQuery[] }>({ total: 0, rows: [] });
  const [offset, setOffset] = useState(0);
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<MinedQuery | null>(null);
  const [negatives, setNegatives] = useState<MinedNegative[]>([]);

  const runId = report?.runId;
  const refresh = useCallback(async () => {
    const r = await attempt(() => api.mining.report({}));
    setReport(r ?? null);
    if (!r) return;
    const p = await attempt(() => api.mining.queries({ runId: r.runId, offset, limit: PAGE, search: search.trim() || undefined }));
    if (p) setPage(p);
  }, [offset, search]);
  useEffect(() => {
    if (!running) void refresh();
  }, [refresh, running, job?.state]);

  const loadNegatives = useCallback(async (q: MinedQuery | null) => {
    if (!q || runId === undefined) return setNegatives([]);
    setNegatives((await attempt(() => api.mining.negatives({ runId, queryId: q.queryId }))) ?? []);
  }, [runId]);
  useEffect(() => void loadNegatives(selected), [selected, loadNegatives]);

  const formParams = mineParams(form);
  const params = typeof formParams === 'string' ? formParams : (workersBlockedReason(workers) ?? { ...formParams, workers: workersOption(workers) });
  const start = async () => {
    if (typeof params === 'string') return;
    const started = await attempt(() => api.mining.start(params));
    if (started) setJob(started);
  };
  const drop = async (passageId: number, dropped: boolean) => {
    if (!selected || runId === undefined) return;
    await attempt(() => api.mining.setDropped({ runId, queryId: selected.queryId, passageId, dropped }));
    await loadNegatives(selected);
    await refresh();
  };
  const retrievers = report?.retrievers ?? [];

  return (
    <div className="page page--wide">
      <PageHeader title="Mine hard negatives (GPL)">
        For each query, passages that BM25 and/or an encoder rank high but that are not its own become hard negatives; a cross-encoder scores them, and the margin CE(query,
        positive) − CE(query, negative) is what MarginMSE training learns. Runs are resumable.
      </PageHeader>
      <section className="card">
        <h2>Settings</h2>
        <MineSetup models={models} form={form} onForm={setForm} disabled={running} />
        <RunOnWorkers value={workers} onChange={setWorkers} disabled={running} what="cross-encoder labelling runs on the workers; retrieval stays here" />
        <div className="mine__actions">
          <button className="button button--primary" disabled={running || typeof params === 'string'} onClick={() => void start()}>
            Mine negatives
          </button>
          {typeof params === 'string' && (
            <span className="small mine__blocked" role="status" data-testid="mine-blocked">
              {params}
            </span>
          )}
        </div>
      </section>
      {job && (
        <section className="card" aria-label="Mining progress">
          <h2>Mining — {job.state}</h2>
          <JobProgress job={job} unit="queries" label="Mining progress" testId="mining-progress" />
          {job.error && <p className="small mine__blocked">{job.error.message}</p>}
          <div className="mine__actions">
            <PauseResumeButtons job={job} />
            {job.state === 'done' && (
              <a className="button" href={routeHref('train')}>
                Next: Train with MarginMSE →
              </a>
            )}
          </div>
        </section>
      )}
      {report && (
        <section className="card" aria-label="Mined negatives">
          <h2>Run #{report.runId}</h2>
          <div className="mine__stats" data-testid="mining-report">
            <Stat label="Queries" value={formatCount(report.queries)} />
            <Stat label="Triplets" value={formatCount(report.triplets)} />
            <Stat label="Dropped" value={formatCount(report.dropped)} />
            <Stat label="Margin mean ± sd" value={report.margins ? `${report.margins.mean.toFixed(3)} ± ${report.margins.std.toFixed(3)}` : '—'} />
            <Stat label="BM25 ∩ dense" value={report.bm25DenseAgreement === null ? '—' : `${(report.bm25DenseAgreement * 100).toFixed(1)}%`} title="Share of negatives both BM25 and a dense retriever found" />
            <Stat label="Retrievers" value={retrievers.join(', ')} />
            <Stat label="Cross-encoder" value={report.crossEncoder} />
          </div>
          <ThresholdDrop runId={report.runId} onApplied={() => void refresh().then(() => loadNegatives(selected))} />
          <div className="mine__split" style={{ marginTop: 12 }}>
            <MinedQueries
              rows={page.rows}
              total={page.total}
              offset={offset}
              selected={selected?.queryId ?? null}
              search={search}
              onSearch={(s) => {
                setSearch(s);
                setOffset(0);
              }}
              onSelect={setSelected}
              onPage={setOffset}
            />
            {selected ? <NegativesPane query={selected} negatives={negatives} retrievers={retrievers} onDrop={(id, d) => void drop(id, d)} /> : <p className="muted">Pick a query to see its negatives.</p>}
          </div>
        </section>
      )}
    </div>
  );
}
