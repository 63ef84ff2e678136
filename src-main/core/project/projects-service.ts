// projects.* of the API, on top of the ProjectManager.
import type { GenqApiImpl } from '../../../shared/api.js';
import type { ProjectManager } from './project-manager.js';
import { projectSummary } from './summary.js';

export function createProjectsService(manager: ProjectManager): GenqApiImpl['projects'] {
  return {
    create: ({ dir, name }) => manager.create(dir, name),
    open: ({ dir }) => manager.open(dir),
    close: () => manager.close(),
    current: () => manager.current?.project.info ?? null,
    recent: () => manager.recent.list(),
    summary: () => {
      const { project } = manager.require();
      return projectSummary(project.db, project.info);
    },
  };
}
