// jobs.* of the API: every call goes to the open project's runner.
import type { GenqApiImpl } from '../../../shared/api.js';
import type { ProjectManager } from '../project/project-manager.js';
import type { JobKindRegistry } from './registry.js';

export function createJobsService(manager: ProjectManager, registry: JobKindRegistry): GenqApiImpl['jobs'] {
  const runner = () => manager.require().runner;
  // async so that every failure reaches callers as a rejected promise, never a sync throw.
  return {
    list: async ({ limit }) => runner().list(limit),
    get: async ({ id }) => runner().get(id),
    start: async ({ kind, params }) => runner().start(kind, params),
    cancel: async ({ id }) => runner().cancel(id),
    resume: async ({ id }) => runner().resume(id),
    logs: async ({ id, limit }) => runner().logs(id, limit),
    kinds: async () => registry.list().map((d) => ({ kind: d.kind, heavy: d.heavy, title: d.label ?? d.kind })),
  };
}
