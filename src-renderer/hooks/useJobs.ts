// Every job of the open project, newest first, kept live by jobs.onUpdate. Re-listed when the
// project changes or the event stream reconnects (updates may have been missed meanwhile).
import { useEffect, useState } from 'react';
import type { JobSnapshot } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api, onConnectionChange } from '../api/client.js';

const LIST_LIMIT = 50;

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
        // Keep updates that arrived while the list was in flight, if they are newer.
        for (const [id, j] of prev) if (!next.has(id)) next.set(id, j);
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
