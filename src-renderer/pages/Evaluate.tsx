// Step 7, Evaluate: did fine-tuning help? Run BM25 and model versions on the held-out split's
// synthetic queries or a BEIR folder (an 'eval.run' job), then read the metrics table (with HNSW
// recall against exact search), the charts per model version and per run, and the history.
import { useEffect, useMemo, useState } from 'react';
import type { EvalRunInfo } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api } from '../api/client.js';
import { HistoryChart, ResultsChart } from '../components/evaluate/EvalCharts.js';
import { SplitPanel, useSplitInfo } from '../components/curate/SplitPanel.js';
import '../components/curate/curate.css';
import { EvalForm } from '../components/evaluate/EvalForm.js';
import { EvalHistory } from '../components/evaluate/EvalHistory.js';
import { datasetLabel, groupEvalRuns } from '../components/evaluate/eval-format.js';
import '../components/evaluate/evaluate.css';
import { MetricsTable } from '../components/evaluate/MetricsTable.js';
import { PageHeader } from '../components/PageHeader.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { useIndexes } from '../components/search/useIndexes.js';
import { isActive, useKindJobs } from '../components/search/useKindJobs.js';
import { formatCount, formatTime } from '../format.js';
import type { PageProps } from '../routes.js';

const HISTORY_LIMIT = 300;

export function Evaluate({ appInfo }: PageProps) {
  const { indexes, models } = useIndexes();
  const jobs = useKindJobs('eval.run');
  const latest = jobs[0] ?? null;
  const running = latest && isActive(latest) ? latest : null;
  const [runs, setRuns] = useState<EvalRunInfo[] | null>(null);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [split, setSplit] = useSplitInfo();

  const finishedKey = jobs
    .filter((j) => !isActive(j))
    .map((j) => `${j.id}:${j.state}`)
    .join(',');
  useEffect(() => {
    let live = true;
    void attempt(() => api.search.evalRuns({ limit: HISTORY_LIMIT })).then((r) => live && r && setRuns(r));
    return () => {
      live = false;
    };
  }, [finishedKey]);
  // A finished evaluation replaces what is shown.
  useEffect(() => {
    if (latest?.state === 'done') setSelectedKey(`job ${latest.id}`);
  }, [latest?.id, latest?.state]); // eslint-disable-line react-hooks/exhaustive-deps

  const evaluations = useMemo(() => groupEvalRuns(runs ?? []), [runs]);
  const shown = evaluations.find((e) => e.key === selectedKey) ?? evaluations[0] ?? null;

  return (
    <div className="page page--wide">
      <PageHeader title="Evaluate" step={7}>
        Measure whether fine-tuning helped: MRR@10, nDCG@10, Recall@1/10/100 and MAP@100 as pytrec_eval/BEIR compute them, for base vs tuned vs BM25.
      </PageHeader>
      <section className="card">
        <h2>Run an evaluation</h2>
        <EvalForm appInfo={appInfo} indexes={indexes} models={models} busy={!!running} heldOut={split} />
        {running && (
          <div className="eval__progress">
            <ProgressBar done={running.progress.done} total={running.progress.total} label="Evaluation progress" state={running.state} />
            <span className="small muted">
              {formatCount(running.progress.done)}
              {running.progress.total !== null && ` / ${formatCount(running.progress.total)}`} {running.progress.unit}
              {running.progress.message && ` · ${running.progress.message}`}
            </span>
          </div>
        )}
        {latest?.state === 'failed' && (
          <p className="error" role="status">
            The last evaluation failed: {latest.error?.message}
          </p>
        )}
      </section>
      <SplitPanel onChanged={setSplit} />
      <section className="card" aria-label="Results">
        <h2>Results</h2>
        {runs === null && <p className="muted">Loading…</p>}
        {runs !== null && !shown && <p className="muted">No evaluations yet.</p>}
        {shown && (
          <>
            <p className="muted small" data-testid="shown-evaluation">
              Evaluation #{shown.number} · {formatTime(shown.createdAt)} · {datasetLabel(shown.dataset)}
            </p>
            <MetricsTable rows={shown.rows} />
            <ResultsChart rows={shown.rows} />
          </>
        )}
      </section>
      {evaluations.length > 0 && (
        <section className="card" aria-label="History">
          <h2>History</h2>
          <HistoryChart evaluations={evaluations} />
          <EvalHistory evaluations={evaluations} selectedKey={shown?.key ?? null} onSelect={setSelectedKey} />
        </section>
      )}
    </div>
  );
}
