// The routes table: adding or filling a page means editing its file in pages/ (and a line here),
// not App.tsx. `pipeline` routes appear in the sidebar in this order.
import type { ComponentType } from 'react';
import type { AppInfo, ProjectInfo } from '../shared/api.js';
import { Corpus } from './pages/Corpus.js';
import { Curate } from './pages/Curate.js';
import { Evaluate } from './pages/Evaluate.js';
import { Generate } from './pages/Generate.js';
import { Mine } from './pages/Mine.js';
import { Models } from './pages/Models.js';
import { Overview } from './pages/Overview.js';
import { Projects } from './pages/Projects.js';
import { Search } from './pages/Search.js';
import { Train } from './pages/Train.js';
import { WorkersPage } from './components/workers/WorkersPage.js';

export interface PageProps {
  appInfo: AppInfo | null;
  project: ProjectInfo | null;
  refreshProject: () => void;
}

export interface RouteDef {
  id: string;
  label: string;
  component: ComponentType<PageProps>;
  /** Pages that show project data; without an open project the picker shows instead. */
  needsProject: boolean;
  pipeline: boolean;
}

export const routes: RouteDef[] = [
  { id: 'overview', label: 'Project overview', component: Overview, needsProject: true, pipeline: false },
  { id: 'projects', label: 'Projects', component: Projects, needsProject: false, pipeline: false },
  { id: 'corpus', label: 'Corpus', component: Corpus, needsProject: true, pipeline: true },
  { id: 'models', label: 'Models', component: Models, needsProject: true, pipeline: true },
  { id: 'generate', label: 'Generate', component: Generate, needsProject: true, pipeline: true },
  { id: 'curate', label: 'Curate', component: Curate, needsProject: true, pipeline: true },
  { id: 'train', label: 'Train', component: Train, needsProject: true, pipeline: true },
  { id: 'search', label: 'Search', component: Search, needsProject: true, pipeline: true },
  { id: 'evaluate', label: 'Evaluate', component: Evaluate, needsProject: true, pipeline: true },
  // GPL's optional step between Curate and Train; outside the numbered pipeline (Sidebar lists it apart).
  { id: 'mine', label: 'Mine negatives (GPL)', component: Mine, needsProject: true, pipeline: false },
  { id: 'workers', label: 'Workers', component: WorkersPage, needsProject: true, pipeline: false },
];

export const routesById = new Map(routes.map((r) => [r.id, r]));
export const pipelineRoutes = routes.filter((r) => r.pipeline);
export const DEFAULT_ROUTE = 'overview';
export const PICKER_ROUTE = 'projects';

/** Which page to show for a hash, given whether a project is open. */
export function resolveRoute(id: string, hasProject: boolean): RouteDef {
  const route = routesById.get(id) ?? routesById.get(DEFAULT_ROUTE)!;
  return route.needsProject && !hasProject ? routesById.get(PICKER_ROUTE)! : route;
}
