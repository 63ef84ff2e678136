// Index status of every encoder model, re-read when models change and whenever an index build
// finishes (its status went from missing/stale to ready).
import { useCallback, useEffect, useState } from 'react';
import type { IndexInfo } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { useProjectModels } from '../../hooks/useProjectModels.js';
import { isActive, useKindJobs } from './useKindJobs.js';

export function useIndexes() {
  const [indexes, setIndexes] = useState<IndexInfo[] | null>(null);
  const jobs = useKindJobs('index.build');
  const refresh = useCallback(() => {
    void attempt(() => api.search.indexes({})).then((list) => list && setIndexes(list));
  }, []);
  // A model added or removed adds or removes a row of index status.
  const listed = useProjectModels(({ cause }) => {
    if (cause === 'change') refresh();
  });
  const models = listed.models ?? [];
  // Re-read on mount and each time the set of finished build jobs changes.
  const finishedKey = jobs
    .filter((j) => !isActive(j))
    .map((j) => `${j.id}:${j.state}`)
    .join(',');
  useEffect(refresh, [refresh, finishedKey]);
  return { indexes, models, jobs, refresh };
}
