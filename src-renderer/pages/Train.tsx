// Step 5, Train: fine-tune a bi-encoder, GenQ (MNR on the curated pairs) or GPL (MarginMSE on mined
// hard negatives). Settings with defaults, engine/device and the memory plan, the live loss and
// learning-rate curves of the selected run (scrolled into view when a run starts), its dev metrics
// per epoch, throughput and checkpoints, and a comparison of runs.
import { useEffect, useRef, useState } from 'react';
import type { JobSnapshot } from '../../shared/api.js';
import { PageHeader } from '../components/PageHeader.js';
import { CheckpointList } from '../components/train/CheckpointList.js';
import { RunCharts } from '../components/train/RunCharts.js';
import { RunComparison } from '../components/train/RunComparison.js';
import { RunList } from '../components/train/RunList.js';
import { RunSummary } from '../components/train/RunSummary.js';
import { TrainForm } from '../components/train/TrainForm.js';
import '../components/train/train.css';
import { useRunSeries, useTrainingRuns } from '../components/train/useTraining.js';
import { useLatestJob } from '../hooks/useLatestJob.js';
import { routeHref } from '../hooks/useHashRoute.js';
import { useProjectModels } from '../hooks/useProjectModels.js';

export function Train() {
  const { models } = useProjectModels();
  const { runs, refresh } = useTrainingRuns();
  const [job, setJob] = useLatestJob('training.run');
  const [selected, setSelected] = useState<number | null>(null);
  const runSection = useRef<HTMLElement>(null);
  const [scrollTo, setScrollTo] = useState<number | null>(null);
  // Follow the newest run unless the user picked one.
  const shown = selected ?? runs?.[0]?.id ?? null;
  const run = runs?.find((r) => r.id === shown) ?? null;
  const series = useRunSeries(shown);
  const busy = job?.state === 'running' || job?.state === 'queued';
  const started = (j: JobSnapshot) => {
    setJob(j);
    setSelected(null);
    setScrollTo(j.id);
    refresh();
  };
  // Once the new run is listed, bring its live charts into view.
  useEffect(() => {
    if (scrollTo === null || !run || run.jobId !== scrollTo) return;
    runSection.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    setScrollTo(null);
  }, [scrollTo, run]);

  return (
    <div className="page page--wide">
      <PageHeader title="Train" step={5}>
        Fine-tune the bi-encoder as sentence-transformers does: GenQ with the multiple-negatives ranking loss on the curated pairs (in-batch negatives), or
        GPL with MarginMSE on mined hard negatives and cross-encoder margins; measure it on the held-out split after every epoch.
      </PageHeader>
      <section className="card" aria-label="New training run">
        <h2>New run</h2>
        {models === null ? <p className="muted">Loading…</p> : <TrainForm models={models} onStarted={started} busy={busy} />}
        {job?.state === 'failed' && job.error && (
          <p className="train-error" role="alert">
            Run failed: {job.error.name}: {job.error.message}
          </p>
        )}
      </section>
      {run && (
        <section className="card" aria-label={`Run ${run.id}`} ref={runSection}>
          <h2>
            Run #{run.id} <span className="muted small">{run.name}</span>
          </h2>
          <RunSummary run={run} series={series} />
          <RunCharts series={series} />
          <h2>Checkpoints</h2>
          <CheckpointList run={run} onResumed={started} />
        </section>
      )}
      {runs && runs.length > 0 && (
        <section className="card" aria-label="Runs">
          <h2>Runs</h2>
          <RunList runs={runs} selected={shown} onSelect={setSelected} />
        </section>
      )}
      {runs && runs.length > 1 && (
        <section className="card" aria-label="Compare runs">
          <h2>Compare runs</h2>
          <RunComparison runs={runs} />
        </section>
      )}
      <a className="button" href={routeHref('search')}>
        Next: Search →
      </a>
    </div>
  );
}
