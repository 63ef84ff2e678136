// App shell: sidebar, the routed page, the job tray and toasts. Pages come from routes.ts.
import { useEffect, useRef } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import { JobTray } from './components/JobTray.js';
import { Sidebar } from './components/Sidebar.js';
import { Toasts } from './components/Toasts.js';
import { useHashRoute } from './hooks/useHashRoute.js';
import { useFinishedStages } from './hooks/useFinishedStages.js';
import { useJobs } from './hooks/useJobs.js';
import { useProject } from './hooks/useProject.js';
import { useTheme } from './hooks/useTheme.js';
import { resolveRoute } from './routes.js';

export function App() {
  const { theme, toggle } = useTheme();
  const { project, appInfo, refresh } = useProject();
  const routeId = useHashRoute();
  const jobs = useJobs(project?.dir ?? null);
  const route = resolveRoute(routeId, !!project);
  const finished = useFinishedStages(project?.dir ?? null, jobs, route.id);
  const Page = route.component;
  // Each page opens at its top, whatever the scroll position of the page left behind.
  const mainRef = useRef<HTMLElement>(null);
  useEffect(() => {
    mainRef.current?.scrollTo({ top: 0 });
  }, [route.id]);
  return (
    <div className="shell">
      <Sidebar activeId={route.id} project={project ?? null} appInfo={appInfo} theme={theme} onToggleTheme={toggle} finished={finished} />
      <main className="main" data-route={route.id} ref={mainRef}>
        <ConnectionBanner />
        {project === undefined ? (
          <div className="page muted">Loading…</div>
        ) : (
          <ErrorBoundary resetKey={route.id}>
            <Page appInfo={appInfo} project={project} refreshProject={refresh} />
          </ErrorBoundary>
        )}
      </main>
      <JobTray jobs={jobs} projectDir={project?.dir ?? null} />
      <Toasts />
    </div>
  );
}
