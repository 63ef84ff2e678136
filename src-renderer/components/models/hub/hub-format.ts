// Wording for the Hub panel: suggestion sizes, cached snapshots, download progress.
import type { CachedModel, HubSuggestion } from '../../../../shared/services/models.js';
import type { JobSnapshot } from '../../../../shared/services/jobs.js';
import { formatBytes } from '../../corpus/report-format.js';
import { formatParameters } from '../format-model.js';

/** "223 M parameters · ~851 MB". */
export function suggestionCost(s: Pick<HubSuggestion, 'parameters' | 'approxBytes'>): string {
  return `${formatParameters(s.parameters)} parameters · ~${formatBytes(s.approxBytes)}`;
}

/** The first 12 hex digits, as git and the Hub show commits. */
export const shortCommit = (commit: string) => commit.slice(0, 12);

/** "2026-01-05 14:03" in local time; the raw text when it is not a date. */
export function formatDownloadedAt(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "1.2 MB of 3.4 MB (35%)", or what is known before the total is. */
export function downloadAmount(job: Pick<JobSnapshot, 'progress' | 'state'>): string {
  const { done, total } = job.progress;
  if (total === null || total <= 0) return job.state === 'queued' ? 'waiting to start' : `${formatBytes(done)}`;
  const pct = Math.min(100, Math.floor((done / total) * 100));
  return `${formatBytes(done)} of ${formatBytes(total)} (${pct}%)`;
}

/** Cached snapshots the project already uses (same folder), by dir. */
export function usedDirs(cached: CachedModel[], projectPaths: string[]): Set<string> {
  const paths = new Set(projectPaths.map(normalizeDir));
  return new Set(cached.filter((c) => paths.has(normalizeDir(c.dir))).map((c) => c.dir));
}

const normalizeDir = (dir: string) => dir.replace(/[\\/]+$/, '');
