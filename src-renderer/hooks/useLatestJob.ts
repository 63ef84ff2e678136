// The newest job of one kind (e.g. 'corpus.import') in the open project, kept live by
// jobs.onUpdate, so a page can show its progress and, when it ends, its result.
import { useEffect, useState } from 'react';
import type { JobSnapshot } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api, onConnectionChange } from '../api/client.js';

export const FINISHED_STATES = new Set(['done', 'failed', 'cancelled', 'interrupted']);

const STAGE: Record<string, number> = { queued: 0, running: 1, done: 2, failed: 2, cancelled: 2, interrupted: 2 };

/** Keeps the newest job; for two snapshots of one job, the one further along (answers and pushed updates race). */
function pick(cur: JobSnapshot | null, j: JobSnapshot): JobSnapshot {
  if (!cur || j.id > cur.id) return j;
  if (j.id < cur.id) return cur;
  const resumed = cur.finishedAt && j.startedAt && j.startedAt > cur.finishedAt;
  if (resumed) return j;
  const [a, b] = [STAGE[cur.state] ?? 0, STAGE[j.state] ?? 0];
  if (a !== b) return b > a ? j : cur;
  return j.progress.done >= cur.progress.done ? j : cur;
}

export function useLatestJob(kind: string): [JobSnapshot | null, (job: JobSnapshot) => void] {
  const [job, setJob] = useState<JobSnapshot | null>(null);
  useEffect(() => {
    let live = true;
    const newer = (j: JobSnapshot) => setJob((cur) => pick(cur, j));
    const load = async () => {
      const list = await attempt(() => api.jobs.list({ limit: 100 }));
      const latest = list?.filter((j) => j.kind === kind).sort((a, b) => b.id - a.id)[0];
      if (live && latest) newer(latest);
    };
    const stop = api.jobs.onUpdate((j) => live && j.kind === kind && newer(j));
    const stopConn = onConnectionChange((s) => s === 'open' && void load());
    void load();
    return () => {
      live = false;
      stop();
      stopConn();
    };
  }, [kind]);
  return [job, (j) => setJob((cur) => pick(cur, j))];
}
