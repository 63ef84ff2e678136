// The pipeline steps the open project has done, re-read when a job ends or the models change.
import { useEffect, useState } from 'react';
import type { JobSnapshot } from '../../shared/api.js';
import { api } from '../api/client.js';
import { finishedStages } from '../components/stage-progress.js';

/** The ticks are a hint: a failed read leaves them as they were, without a toast. */
const quietly = <T,>(call: () => Promise<T>): Promise<T | undefined> => call().catch(() => undefined);

/** `routeId`: also re-read on moving to another page (curation changes no job). */
export function useFinishedStages(projectDir: string | null, jobs: JobSnapshot[], routeId: string): ReadonlySet<string> {
  const [done, setDone] = useState<ReadonlySet<string>>(new Set());
  const [modelsVersion, setModelsVersion] = useState(0);
  useEffect(() => api.models.onChanged(() => setModelsVersion((v) => v + 1)), []);
  // Curation changes no job; a finished job or a model change is when a step can become done.
  const finishedKey = jobs
    .filter((j) => j.state === 'done')
    .map((j) => j.id)
    .join(',');
  useEffect(() => {
    if (!projectDir) return setDone(new Set());
    let live = true;
    void (async () => {
      const [summary, models, indexes, evals] = await Promise.all([
        quietly(() => api.projects.summary({})),
        quietly(() => api.models.list({})),
        quietly(() => api.search.indexes({})),
        quietly(() => api.search.evalRuns({ limit: 1 })),
      ]);
      if (!live || !summary) return;
      setDone(
        finishedStages({
          passages: summary.passages,
          queries: summary.queries,
          roles: (models ?? []).map((m) => m.role),
          tunedModels: (models ?? []).filter((m) => m.parentId !== null).length,
          builtIndexes: (indexes ?? []).filter((i) => i.exists).length,
          evaluations: evals?.length ?? 0,
        }),
      );
    })();
    return () => {
      live = false;
    };
  }, [projectDir, finishedKey, modelsVersion, routeId]);
  return done;
}
