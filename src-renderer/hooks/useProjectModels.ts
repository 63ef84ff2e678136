// The open project's models for the pages that pick or show one (Curate signals, Mine, Models' try
// panel, Generate, Search/Evaluate, Train): one list call on mount, then the models-changed push.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ProjectModel } from '../../shared/api.js';
import { reportError } from '../api/call.js';
import { api } from '../api/client.js';
import { watchProjectModels, type ModelsFeed, type ModelsUpdate } from './project-models-feed.js';

export interface ProjectModels {
  /** null until the first list arrives. */
  models: ProjectModel[] | null;
  /** No list yet and the list call has not failed. */
  loading: boolean;
  /** The last failed list call's message (it was also toasted); cleared by the next list. */
  error: string | null;
  /** Reads the list again. */
  refresh(): void;
  /** Applies a local edit the server also made (an added model, saved prefixes) before its push arrives; no-op while loading. */
  patch(edit: (models: ProjectModel[]) => ProjectModel[]): void;
}

/** `onUpdate` runs with every list delivered (after the state update is queued), e.g. to preselect a model on the first one. */
export function useProjectModels(onUpdate?: (u: ModelsUpdate) => void): ProjectModels {
  const [models, setModels] = useState<ProjectModel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const feed = useRef<ModelsFeed | null>(null);
  // The latest callback, so a page's inline arrow function does not resubscribe on every render.
  const onUpdateRef = useRef(onUpdate);
  useEffect(() => {
    onUpdateRef.current = onUpdate;
  });
  useEffect(() => {
    const f = watchProjectModels(api.models, {
      update(u) {
        setModels(u.list);
        setError(null);
        onUpdateRef.current?.(u);
      },
      error(err) {
        reportError(err);
        setError(err instanceof Error ? err.message : String(err));
      },
    });
    feed.current = f;
    return () => {
      f.stop();
      feed.current = null;
    };
  }, []);
  const refresh = useCallback(() => feed.current?.refresh(), []);
  const patch = useCallback((edit: (models: ProjectModel[]) => ProjectModel[]) => setModels((cur) => (cur ? edit(cur) : cur)), []);
  return { models, loading: models === null && error === null, error, refresh, patch };
}
