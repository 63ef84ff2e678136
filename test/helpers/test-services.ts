// What the services helpers (services.ts on the source, services-compiled.ts on dist/) return:
// Services on a fresh project with the test job kinds, plus the events seen and a job waiter.
import { join } from 'node:path';
import type { JobSnapshot } from '../../shared/services/jobs.js';
import type { EventMessage } from '../../shared/contract.js';
import type { createServices, Services } from '../../src-main/core/services.js';

export interface TestServices extends Services {
  dir: string;
  /** Every event emitted since creation. */
  messages: EventMessage[];
  updatesOf(id: number): JobSnapshot[];
  /** Resolves once the job reaches a final state. */
  finished(id: number): Promise<JobSnapshot>;
}

export async function testServicesOn(create: typeof createServices, root: string, opts: { project?: string } = {}): Promise<TestServices> {
  const dir = join(root, opts.project ?? 'project');
  const services = await create({
    mode: 'web',
    userDataDir: join(root, 'user-data'),
    initialProject: dir,
    testJobKinds: true,
  });
  const messages: EventMessage[] = [];
  services.events.subscribe((m) => messages.push(m));
  return {
    ...services,
    dir,
    messages,
    updatesOf: (id) =>
      messages
        .filter((m) => m.service === 'jobs' && m.event === 'onUpdate' && (m.payload as JobSnapshot).id === id)
        .map((m) => m.payload as JobSnapshot),
    finished: (id) => services.projects.require().runner.waitFor(id),
  };
}
