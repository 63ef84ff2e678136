// jobs.* of the API: every call goes to the open project's runner.
import type { GenqApiImpl } from '../../../shared/api.js';
import type { ProjectManager } from '../project/project-manager.js';
import type { JobKindRegistry } from './registry.js';

export function createJobsService(manager: ProjectManager, registry: JobKindRegistry): GenqApiImpl['jobs'] {
  const runner = () => manager.require().runner;
  return {
    list: ({ limit }) => runner().list(limit),
    get: ({ id }) => runner().get(id),
    start: ({ kind, params }) => runner().start(kind, params),
    cancel: ({ id }) => runner().cancel(id),
    resume: ({ id }) => runner().resume(id),
    logs: ({ id, limit }) => runner().logs(id, limit),
    kinds: () => registry.list().map((d) => ({ kind: d.kind, heavy: d.heavy, title: d.label ?? d.kind })),
  };
}
