// Downloads started from the Hub panel, followed through their job updates until the model is in
// the project. Pure bookkeeping: update() returns what to do next (add the snapshot to the
// project, report a failure) and the store that owns the tracker carries it out. Each outcome
// happens once per job run, whatever order and how many times the updates arrive.
import type { WireError } from '../../../../shared/contract.js';
import type { JobSnapshot } from '../../../../shared/services/jobs.js';
import type { ModelRole } from '../../../../shared/services/models.js';

export type DownloadPhase = 'downloading' | 'adding' | 'added' | 'failed' | 'stopped';

export interface TrackedDownload {
  jobId: number;
  repo: string;
  revision: string;
  role: ModelRole;
  /** The newest snapshot of the job. */
  job: JobSnapshot;
  phase: DownloadPhase;
  error: WireError | null;
}

export type DownloadEffect =
  | { kind: 'add'; jobId: number; dir: string; role: ModelRole; name: string }
  | { kind: 'error'; jobId: number; error: WireError };

const ACTIVE = new Set(['queued', 'running']);
/** Updates of untracked download jobs kept in case pull's answer arrives after the job's events. */
const EARLY_LIMIT = 20;

export class DownloadTracker {
  private downloads = new Map<number, TrackedDownload>();
  private early = new Map<number, JobSnapshot>();
  private snapshot: TrackedDownload[] = [];

  /** Starts following a job that pull() returned, with the role the model gets when it is done. */
  track(job: JobSnapshot, role: ModelRole): DownloadEffect[] {
    const params = job.params as { repo?: string; revision?: string } | null;
    const entry: TrackedDownload = { jobId: job.id, repo: params?.repo ?? job.title, revision: params?.revision ?? 'main', role, job, phase: 'downloading', error: null };
    this.downloads.set(job.id, entry);
    const seen = this.early.get(job.id);
    this.early.delete(job.id);
    const effects = this.apply(entry, seen && isLater(seen, job) ? seen : job);
    this.changed();
    return effects;
  }

  /** A jobs.onUpdate snapshot (any kind; others are ignored). */
  update(job: JobSnapshot): DownloadEffect[] {
    const entry = this.downloads.get(job.id);
    if (!entry) {
      if (job.kind === 'models.download') {
        this.early.set(job.id, job);
        if (this.early.size > EARLY_LIMIT) this.early.delete(this.early.keys().next().value!);
      }
      return [];
    }
    if (!isLater(job, entry.job)) return [];
    const effects = this.apply(entry, job);
    this.changed();
    return effects;
  }

  /** The add that an 'add' effect asked for finished (error: it failed and was reported). */
  settle(jobId: number, error: WireError | null): void {
    const entry = this.downloads.get(jobId);
    if (!entry || entry.phase !== 'adding') return;
    this.downloads.set(jobId, { ...entry, phase: error ? 'failed' : 'added', error });
    this.changed();
  }

  dismiss(jobId: number): void {
    if (this.downloads.delete(jobId)) this.changed();
  }

  /** Newest first; the same array until something changes (for useSyncExternalStore). */
  list(): TrackedDownload[] {
    return this.snapshot;
  }

  private apply(entry: TrackedDownload, job: JobSnapshot): DownloadEffect[] {
    const next: TrackedDownload = { ...entry, job };
    const effects: DownloadEffect[] = [];
    if (ACTIVE.has(job.state)) {
      // A resumed job starts a new run: its end will be acted on again.
      next.phase = 'downloading';
      next.error = null;
    } else if (entry.phase === 'downloading') {
      if (job.state === 'done') {
        const dir = (job.result as { dir?: unknown } | null)?.dir;
        if (typeof dir === 'string' && dir) {
          next.phase = 'adding';
          effects.push({ kind: 'add', jobId: job.id, dir, role: entry.role, name: entry.revision === 'main' ? entry.repo : `${entry.repo}@${entry.revision}` });
        } else {
          next.phase = 'failed';
          next.error = { name: 'HubDownloadError', message: `${entry.repo}: the download finished without a model folder in its result` };
          effects.push({ kind: 'error', jobId: job.id, error: next.error });
        }
      } else if (job.state === 'failed') {
        next.phase = 'failed';
        next.error = job.error ?? { name: 'HubDownloadError', message: `${entry.repo}: the download failed` };
        effects.push({ kind: 'error', jobId: job.id, error: next.error });
      } else {
        next.phase = 'stopped'; // cancelled or interrupted: resumable from the tray
      }
    }
    this.downloads.set(job.id, next);
    return effects;
  }

  private changed(): void {
    this.snapshot = [...this.downloads.values()].sort((a, b) => b.jobId - a.jobId);
  }
}

const STAGE: Record<string, number> = { queued: 0, running: 1, done: 2, failed: 2, cancelled: 2, interrupted: 2 };

/** Whether `a` is the same or a later snapshot than `b` (events and answers race). */
function isLater(a: JobSnapshot, b: JobSnapshot): boolean {
  const resumed = b.finishedAt && a.startedAt && a.startedAt > b.finishedAt;
  if (resumed) return true;
  const [sa, sb] = [STAGE[a.state] ?? 0, STAGE[b.state] ?? 0];
  if (sa !== sb) return sa > sb;
  return a.progress.done >= b.progress.done;
}
