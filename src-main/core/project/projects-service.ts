// projects.* of the API, on top of the ProjectManager.
import type { GenqApiImpl } from '../../../shared/api.js';
import type { ProjectManager } from './project-manager.js';
import { projectSummary } from './summary.js';

export function createProjectsService(manager: ProjectManager): GenqApiImpl['projects'] {
  // async so that every failure reaches callers as a rejected promise, never a sync throw.
  return {
    create: ({ dir, name }) => manager.create(dir, name),
    open: ({ dir }) => manager.open(dir),
    close: () => manager.close(),
    current: async () => manager.current?.project.info ?? null,
    recent: async () => manager.recent.list(),
    forgetRecent: async ({ dir }) => ({ removed: manager.recent.remove(dir) }),
    summary: async () => {
      const { project } = manager.require();
      return projectSummary(project.db, project.info);
    },
  };
}
