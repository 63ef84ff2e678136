// The jobs of one kind (e.g. 'index.build') in the open project, newest first, kept live by
// jobs.onUpdate; pages use it for inline progress and to refresh when a job finishes.
import { useEffect, useState } from 'react';
import type { JobSnapshot } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api, onConnectionChange } from '../../api/client.js';

const STAGE: Record<string, number> = { queued: 0, running: 1, done: 2, failed: 2, cancelled: 2, interrupted: 2 };

/** Of two snapshots of one job, the one further along (list answers and pushed updates race). */
function later(a: JobSnapshot, b: JobSnapshot): JobSnapshot {
  const [sa, sb] = [STAGE[a.state] ?? 0, STAGE[b.state] ?? 0];
  if (sa !== sb) return sb > sa ? b : a;
  return b.progress.done >= a.progress.done ? b : a;
}

export function useKindJobs(kind: string): JobSnapshot[] {
  const [jobs, setJobs] = useState<Map<number, JobSnapshot>>(new Map());
  useEffect(() => {
    let live = true;
    const merge = (list: JobSnapshot[]) =>
      setJobs((prev) => {
        const next = new Map(prev);
        for (const j of list) next.set(j.id, next.has(j.id) ? later(next.get(j.id)!, j) : j);
        return next;
      });
    const load = async () => {
      const list = await attempt(() => api.jobs.list({ limit: 200 }));
      if (live && list) merge(list.filter((j) => j.kind === kind));
    };
    const stop = api.jobs.onUpdate((j) => {
      // A resumed job goes back to running: take pushed updates as they come.
      if (live && j.kind === kind) setJobs((prev) => new Map(prev).set(j.id, j));
    });
    const stopConn = onConnectionChange((s) => s === 'open' && void load());
    void load();
    return () => {
      live = false;
      stop();
      stopConn();
    };
  }, [kind]);
  return [...jobs.values()].sort((a, b) => b.id - a.id);
}

export const isActive = (job: JobSnapshot) => job.state === 'queued' || job.state === 'running';

/** The modelId a job's params name, if any ('index.build', 'map.build'). */
export function jobModelId(job: JobSnapshot): number | null {
  const p = job.params as { modelId?: unknown } | null;
  return typeof p?.modelId === 'number' ? p.modelId : null;
}
