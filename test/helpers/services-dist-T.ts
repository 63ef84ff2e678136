// servicesOnNewProject (services.ts) on the compiled core when dist is up to date, for the job
// tests: a job's worker thread then loads dist's .js modules directly, where from source every
// worker first starts tsx and compiles its module graph (0.3–1.5 CPU-s per job). The same choice
// as the CLI children (genq-entry.ts: dist only when newer than every source file, GENQ_TEST_CLI
// forces either), so a test never runs stale code.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JobSnapshot } from '../../shared/services/jobs.js';
import type { EventMessage } from '../../shared/contract.js';
import type * as ServicesModule from '../../src-main/core/services.js';
import { genqNodeArgs, repoRoot } from './genq-entry.js';
import type { TestServices } from './services.js';

export type { TestServices };

let loaded: Promise<typeof ServicesModule> | undefined;

/** The core's services module: dist's when the CLI children use dist, else the source. */
export function servicesModule(): Promise<typeof ServicesModule> {
  const dist = !genqNodeArgs().includes('--import');
  loaded ??= dist ? (import(pathToFileURL(join(repoRoot, 'dist/src-main/core/services.js')).href) as Promise<typeof ServicesModule>) : import('../../src-main/core/services.js');
  return loaded;
}

export async function servicesOnNewProject(root: string, opts: { project?: string } = {}): Promise<TestServices> {
  const dir = join(root, opts.project ?? 'project');
  const { createServices } = await servicesModule();
  const services = await createServices({ mode: 'web', userDataDir: join(root, 'user-data'), initialProject: dir, testJobKinds: true });
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
