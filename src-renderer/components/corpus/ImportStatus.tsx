// Under the drop zone: the upload (web mode), then the running import with its progress and a
// cancel button, then the finished import's report or error.
import type { ImportReport, JobSnapshot } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount, formatEta, formatTime } from '../../format.js';
import { ProgressBar } from '../ProgressBar.js';
import { ImportReportView } from './ImportReportView.js';
import { formatBytes } from './report-format.js';
import type { UploadProgress } from './upload.js';

interface Props {
  upload: UploadProgress | null;
  onCancelUpload: () => void;
  job: JobSnapshot | null;
  projectDir: string | null;
}

function isReport(value: unknown): value is ImportReport {
  return !!value && typeof value === 'object' && 'files' in value && 'totals' in value;
}

export function ImportStatus({ upload, onCancelUpload, job, projectDir }: Props) {
  if (upload) {
    return (
      <div className="import-status" aria-label="Upload progress">
        <div className="import-status__line">
          <strong>
            Uploading {formatCount(Math.min(upload.files + 1, upload.totalFiles))} of {formatCount(upload.totalFiles)} files
          </strong>
          <span className="muted">
            {formatBytes(upload.bytes)} of {formatBytes(upload.totalBytes)}
          </span>
          <span className="muted small mono">{upload.current}</span>
          <button type="button" className="button button--small" onClick={onCancelUpload}>
            Cancel upload
          </button>
        </div>
        <ProgressBar done={upload.bytes} total={upload.totalBytes || null} label="Upload" />
      </div>
    );
  }
  if (!job) return null;
  const p = job.progress;
  if (job.state === 'running' || job.state === 'queued') {
    return (
      <div className="import-status" aria-label="Import progress">
        <div className="import-status__line">
          <strong>{job.title}</strong>
          <span className={`badge badge--${job.state}`}>{job.state}</span>
          <span className="muted">
            {p.unit === 'bytes' ? `${formatBytes(p.done)}${p.total !== null ? ` of ${formatBytes(p.total)}` : ''}` : `${formatCount(p.done)} ${p.unit}`}
          </span>
          <span className="muted small">ETA {formatEta(p.etaSeconds)}</span>
          <button type="button" className="button button--small" onClick={() => void attempt(() => api.jobs.cancel({ id: job.id }))}>
            Cancel import
          </button>
        </div>
        <ProgressBar done={p.done} total={p.total} label="Import" state={job.state} />
        {p.message && <div className="muted small mono">{p.message}</div>}
      </div>
    );
  }
  const title = `Last import: ${job.title} · ${job.state} ${formatTime(job.finishedAt)}`;
  return (
    <div className="import-status">
      {job.error && (
        <div className="card card--error" role="status">
          <strong>{job.state === 'cancelled' ? 'Import cancelled' : 'Import failed'}</strong>: {job.error.name}: {job.error.message}
        </div>
      )}
      {!job.error && job.state !== 'done' && (
        <div className="muted">
          {title}. {job.resumable ? 'Resume it from the job tray.' : ''}
        </div>
      )}
      {isReport(job.result) && <ImportReportView report={job.result} projectDir={projectDir} title={title} />}
    </div>
  );
}
