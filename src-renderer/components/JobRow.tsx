// One job in the tray: title, state, progress (done/total unit, rate, ETA) and its actions.
import type { JobSnapshot } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api } from '../api/client.js';
import { formatCount, formatEta, formatRate, withoutUploadFolder } from '../format.js';
import { ProgressBar } from './ProgressBar.js';

const ACTIVE = new Set(['running', 'queued']);
/** States a job continues from its last checkpoint in. A failed job would fail again the same way: it is dismissed, not resumed. */
const CAN_RESUME = new Set(['cancelled', 'interrupted']);
const CAN_DISMISS = new Set(['failed', 'cancelled', 'interrupted']);

export function JobRow({ job, onDismiss }: { job: JobSnapshot; onDismiss?(): void }) {
  const p = job.progress;
  const active = ACTIVE.has(job.state);
  const amount = p.total !== null ? `${formatCount(p.done)} / ${formatCount(p.total)} ${p.unit}` : `${formatCount(p.done)} ${p.unit}`;
  return (
    <li className={`job job--${job.state}`} data-job-id={job.id} aria-label={`Job ${job.id}: ${job.title}`}>
      <div className="job__head">
        <span className="job__title" title={`${job.title} (${job.kind})`}>
          {job.title}
        </span>
        <span className={`badge badge--${job.state}`}>{job.state}</span>
      </div>
      <ProgressBar done={p.done} total={p.total} label={job.title} state={job.state} />
      <div className="job__meta">
        <span className="job__amount">{amount}</span>
        {job.state === 'running' && (
          <>
            <span>{formatRate(p.rate, p.unit)}</span>
            <span title="estimated time left">ETA {formatEta(p.etaSeconds)}</span>
          </>
        )}
      </div>
      {p.message && <div className="job__message">{withoutUploadFolder(p.message)}</div>}
      {job.error && (
        <div className="job__error" role="status">
          {job.error.name}: {job.error.message}
        </div>
      )}
      <div className="job__actions">
        {active && (
          <button type="button" className="button button--small" onClick={() => void attempt(() => api.jobs.cancel({ id: job.id }))}>
            Cancel
          </button>
        )}
        {job.resumable && CAN_RESUME.has(job.state) && (
          <button type="button" className="button button--small" onClick={() => void attempt(() => api.jobs.resume({ id: job.id }))}>
            Resume
          </button>
        )}
        {onDismiss && CAN_DISMISS.has(job.state) && (
          <button type="button" className="button button--small" aria-label={`Dismiss job ${job.id}`} onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
    </li>
  );
}
