// Downloads started here, inline on the panel: byte progress while the job runs (the jobs tray
// shows the same job with its rate and ETA), then whether the model made it into the project.
import { useSyncExternalStore } from 'react';
import { ProgressBar } from '../../ProgressBar.js';
import type { TrackedDownload } from './download-tracker.js';
import { dismissHubDownload, hubDownloadsStore } from './downloads-store.js';
import { downloadAmount } from './hub-format.js';
import { hubRefLabel, roleLabel } from './hub-ref.js';

function phaseText(d: TrackedDownload): string {
  switch (d.phase) {
    case 'downloading':
      return downloadAmount(d.job) + (d.job.progress.message ? ` · ${d.job.progress.message}` : '');
    case 'adding':
      return 'Downloaded; adding it to the project…';
    case 'added':
      return `Done: added to the project as ${roleLabel(d.role).toLowerCase()}`;
    case 'failed':
      return d.error ? `${d.error.name}: ${d.error.message}` : 'Failed';
    case 'stopped':
      return `${d.job.state}: resume it from the jobs tray`;
  }
}

export function DownloadList() {
  const downloads = useSyncExternalStore(hubDownloadsStore.subscribe, hubDownloadsStore.getSnapshot);
  if (downloads.length === 0) return null;
  return (
    <ul className="hub-downloads" aria-label="Hub downloads">
      {downloads.map((d) => {
        const label = hubRefLabel(d.repo, d.revision);
        const p = d.job.progress;
        return (
          <li key={d.jobId} className={`hub-download hub-download--${d.phase}`} aria-label={`Download ${label}`} data-phase={d.phase}>
            <div className="hub-download__head">
              <span className="mono">{label}</span>
              <span className="pill">{roleLabel(d.role)}</span>
              {d.phase !== 'downloading' && d.phase !== 'adding' && (
                <button type="button" className="button button--small button--ghost" onClick={() => dismissHubDownload(d.jobId)} aria-label={`Dismiss ${label}`}>
                  ✕
                </button>
              )}
            </div>
            <ProgressBar done={p.done} total={p.total} label={`Downloading ${label}`} state={d.job.state} />
            <div className={`small ${d.phase === 'failed' ? 'hub-download__error' : 'muted'}`} data-download="status">
              {phaseText(d)}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
