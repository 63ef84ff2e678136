// Left navigation: the open project, the overview, and the pipeline stages in order.
import type { AppInfo, ProjectInfo } from '../../shared/api.js';
import { routeHref } from '../hooks/useHashRoute.js';
import type { Theme } from '../hooks/useTheme.js';
import { pipelineRoutes, routesById } from '../routes.js';
import { ThemeToggle } from './ThemeToggle.js';

export interface SidebarProps {
  activeId: string;
  project: ProjectInfo | null;
  appInfo: AppInfo | null;
  theme: Theme;
  onToggleTheme: () => void;
  /** Pipeline steps the project has done (ticked). */
  finished?: ReadonlySet<string>;
}

function NavLink({ id, active, disabled, prefix, done }: { id: string; active: boolean; disabled: boolean; prefix?: string; done?: boolean }) {
  const route = routesById.get(id)!;
  if (disabled) {
    return (
      <span className="nav__link nav__link--disabled" aria-disabled="true" title="Open a project first">
        {prefix && <span className="nav__step">{prefix}</span>}
        {route.label}
      </span>
    );
  }
  return (
    <a className={`nav__link ${active ? 'nav__link--active' : ''}`} href={routeHref(id)} aria-current={active ? 'page' : undefined} data-done={done ? 'true' : undefined}>
      {prefix &&
        (done ? (
          <span className="nav__step nav__step--done" title={`Step ${prefix} done`}>
            ✓
          </span>
        ) : (
          <span className="nav__step">{prefix}</span>
        ))}
      {route.label}
    </a>
  );
}

export function Sidebar({ activeId, project, appInfo, theme, onToggleTheme, finished }: SidebarProps) {
  return (
    <nav className="sidebar" aria-label="Pipeline">
      <div className="sidebar__brand">
        <img src="./favicon.png" alt="" width={28} height={28} />
        <span>GenQ Workbench</span>
      </div>
      <div className="sidebar__project">
        <div className="muted small">Project</div>
        <div className="sidebar__project-name" title={project?.dir}>
          {project ? project.name : 'None open'}
        </div>
        <a className="small" href={routeHref('projects')}>
          {project ? 'Switch project…' : 'Open or create…'}
        </a>
      </div>
      <ul className="nav">
        <li>
          <NavLink id="overview" active={activeId === 'overview'} disabled={!project} />
        </li>
        <li className="nav__heading">Pipeline</li>
        {pipelineRoutes.map((r, i) => (
          <li key={r.id}>
            <NavLink id={r.id} active={activeId === r.id} disabled={!project} prefix={String(i + 1)} done={finished?.has(r.id)} />
          </li>
        ))}
        <li className="nav__heading">Optional</li>
        <li>
          <NavLink id="mine" active={activeId === 'mine'} disabled={!project} />
        </li>
        <li>
          <NavLink id="workers" active={activeId === 'workers'} disabled={!project} />
        </li>
      </ul>
      <div className="sidebar__footer">
        <ThemeToggle theme={theme} onToggle={onToggleTheme} />
        {appInfo && (
          <div className="muted small">
            v{appInfo.version} · {appInfo.mode === 'web' ? 'browser' : 'desktop'}
          </div>
        )}
      </div>
    </nav>
  );
}
