// The global job tray: every job of the open project with live progress. Collapsible.
import { useState } from 'react';
import type { JobSnapshot } from '../../shared/api.js';
import { useDismissedJobs } from '../hooks/useDismissedJobs.js';
import { JobRow } from './JobRow.js';

export function JobTray({ jobs: allJobs, projectDir }: { jobs: JobSnapshot[]; projectDir: string | null }) {
  const [open, setOpen] = useState(true);
  const hasProject = projectDir !== null;
  const [dismissed, dismiss] = useDismissedJobs(projectDir);
  const jobs = allJobs.filter((j) => !dismissed.has(j.id));
  const active = jobs.filter((j) => j.state === 'running' || j.state === 'queued').length;
  return (
    <aside className={`tray ${open ? '' : 'tray--collapsed'}`} aria-label="Job tray">
      <button type="button" className="tray__toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span>Jobs</span>
        <span className="tray__count">{active > 0 ? `${active} active` : `${jobs.length}`}</span>
      </button>
      {open && (
        <div className="tray__body">
          {!hasProject && <p className="muted">Open a project to see its jobs.</p>}
          {hasProject && jobs.length === 0 && (
            <p className="muted">No jobs yet. Long work (imports, generation, training, indexing) runs here with live progress.</p>
          )}
          <ul className="tray__list">
            {jobs.map((job) => (
              <JobRow key={job.id} job={job} onDismiss={() => dismiss(job.id)} />
            ))}
          </ul>
        </div>
      )}
    </aside>
  );
}
