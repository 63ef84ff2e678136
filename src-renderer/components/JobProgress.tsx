// A page's own long job (Generate, Mine): its progress bar with "done / total unit · rate · ETA ·
// message" under it, and the Pause / Resume buttons.
import type { JobSnapshot } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api } from '../api/client.js';
import { formatCount, formatEta, formatRate } from '../format.js';
import { FINISHED_STATES } from '../hooks/useLatestJob.js';
import { ProgressBar } from './ProgressBar.js';

export function JobProgress({ job, unit, label, testId }: { job: JobSnapshot; unit: string; label: string; testId: string }) {
  const p = job.progress;
  return (
    <>
      <ProgressBar done={p.done} total={p.total} label={label} state={job.state} />
      <p className="small" data-testid={testId}>
        {formatCount(p.done)} / {p.total === null ? '?' : formatCount(p.total)} {unit} · {formatRate(p.rate, unit)} · ETA{' '}
        {formatEta(p.etaSeconds)} {p.message ? `· ${p.message}` : ''}
      </p>
    </>
  );
}

/** Pause cancels the running job (it stays resumable); Resume restarts an interrupted or paused one. */
export function PauseResumeButtons({ job }: { job: JobSnapshot }) {
  const running = !FINISHED_STATES.has(job.state);
  return (
    <>
      {running && (
        <button className="button" onClick={() => void attempt(() => api.jobs.cancel({ id: job.id }))}>
          Pause
        </button>
      )}
      {job.resumable && !running && (
        <button className="button" onClick={() => void attempt(() => api.jobs.resume({ id: job.id }))}>
          Resume
        </button>
      )}
    </>
  );
}
