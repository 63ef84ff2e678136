// Every job of the open project, newest first, kept live by jobs.onUpdate. Re-listed when the
// project changes or the event stream reconnects (updates may have been missed meanwhile).
import { useEffect, useState } from 'react';
import type { JobSnapshot } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api, onConnectionChange } from '../api/client.js';

const LIST_LIMIT = 50;
const STAGE: Record<string, number> = { queued: 0, running: 1, done: 2, failed: 2, cancelled: 2, interrupted: 2 };

/** Of two snapshots of one job, the later one: further along its life, then further in progress. */
function later(a: JobSnapshot, b: JobSnapshot): JobSnapshot {
  // A resumed job goes from a final state back to queued/running, so only treat "final beats
  // active" as newer when the final one finished after the other started.
  const sa = STAGE[a.state] ?? 0;
  const sb = STAGE[b.state] ?? 0;
  if (sa !== sb) {
    const [fin, act] = sa > sb ? [a, b] : [b, a];
    const resumedAfter = act.startedAt && fin.finishedAt && act.startedAt > fin.finishedAt;
    return resumedAfter ? act : fin;
  }
  return b.progress.done >= a.progress.done ? b : a;
}

export function useJobs(projectDir: string | null): JobSnapshot[] {
  const [jobs, setJobs] = useState<Map<number, JobSnapshot>>(new Map());
  useEffect(() => {
    let live = true;
    setJobs(new Map());
    if (!projectDir) return;
    const load = async () => {
      const list = await attempt(() => api.jobs.list({ limit: LIST_LIMIT }));
      if (!live || !list) return;
      setJobs((prev) => {
        const next = new Map(list.map((j) => [j.id, j]));
        // Updates that arrived while the list was in flight may be newer than the list.
        for (const [id, j] of prev) next.set(id, next.has(id) ? later(next.get(id)!, j) : j);
        return next;
      });
    };
    const stopUpdates = api.jobs.onUpdate((job) => {
      if (live) setJobs((prev) => new Map(prev).set(job.id, job));
    });
    const stopConn = onConnectionChange((s) => s === 'open' && void load());
    void load();
    return () => {
      live = false;
      stopUpdates();
      stopConn();
    };
  }, [projectDir]);
  return [...jobs.values()].sort((a, b) => b.id - a.id);
}
