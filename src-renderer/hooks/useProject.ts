// The open project (or null) and app info, kept current through projects.onChanged.
import { useCallback, useEffect, useState } from 'react';
import type { AppInfo, ProjectInfo } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api, onConnectionChange } from '../api/client.js';

export interface ProjectState {
  /** undefined while the first answer is pending. */
  project: ProjectInfo | null | undefined;
  appInfo: AppInfo | null;
  /** Re-reads projects.current, e.g. after a failed open (main may have closed the old one). */
  refresh: () => void;
}

export function useProject(): ProjectState {
  const [project, setProject] = useState<ProjectInfo | null | undefined>(undefined);
  const [appInfo, setAppInfo] = useState<AppInfo | null>(null);
  const refresh = useCallback(() => {
    void attempt(() => api.projects.current({})).then((p) => p !== undefined && setProject(p));
  }, []);
  useEffect(() => {
    let live = true;
    const load = async () => {
      const current = await attempt(() => api.projects.current({}));
      if (live) setProject(current ?? null);
    };
    void load();
    void attempt(() => api.app.info({})).then((info) => live && info && setAppInfo(info));
    const stopChanged = api.projects.onChanged((p) => setProject(p));
    const stopConn = onConnectionChange((s) => s === 'open' && void load());
    return () => {
      live = false;
      stopChanged();
      stopConn();
    };
  }, []);
  return { project, appInfo, refresh };
}
