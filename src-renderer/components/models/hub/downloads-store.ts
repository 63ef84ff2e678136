// The app-wide store of Hub downloads: starts pulls, follows their jobs (so a download that ends
// while another page is open still lands in the project), adds finished snapshots to the project
// with the chosen role, and turns failures into toasts carrying the Hub's message.
import { toWireError } from '../../../../shared/contract.js';
import type { ModelRole } from '../../../../shared/services/models.js';
import { attempt } from '../../../api/call.js';
import { api } from '../../../api/client.js';
import { pushToast } from '../../../state/toasts.js';
import { DownloadTracker, type DownloadEffect, type TrackedDownload } from './download-tracker.js';

const tracker = new DownloadTracker();
const listeners = new Set<() => void>();
let unsubscribeJobs: (() => void) | null = null;
/** Bumped when a download lands in the cache, so cache listings re-read it. */
let cacheVersion = 0;

function emit(): void {
  for (const l of [...listeners]) l();
}

function follow(): void {
  unsubscribeJobs ??= api.jobs.onUpdate((job) => run(tracker.update(job)));
}

function run(effects: DownloadEffect[]): void {
  emit();
  for (const effect of effects) {
    if (effect.kind === 'error') {
      pushToast(effect.error);
      continue;
    }
    cacheVersion++;
    emit();
    api.models
      .add({ dir: effect.dir, role: effect.role, name: effect.name })
      .then(() => tracker.settle(effect.jobId, null))
      .catch((err: unknown) => {
        const error = toWireError(err);
        pushToast(error);
        tracker.settle(effect.jobId, error);
      })
      .finally(emit);
  }
}

/** Starts a models.download job; resolves false when the API refused it (already toasted). */
export async function startHubDownload(repo: string, revision: string, role: ModelRole): Promise<boolean> {
  follow();
  const job = await attempt(() => api.models.pull({ repo, revision, include: [] }));
  if (!job) return false;
  run(tracker.track(job, role));
  return true;
}

export function dismissHubDownload(jobId: number): void {
  tracker.dismiss(jobId);
  emit();
}

export const hubDownloadsStore = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getSnapshot: (): TrackedDownload[] => tracker.list(),
  getCacheVersion: (): number => cacheVersion,
};
