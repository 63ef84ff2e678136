// servicesOnNewProject (services.ts) on the compiled core when dist is up to date, for the job
// tests: a job's worker thread then loads dist's .js modules directly, where from source every
// worker first starts tsx and compiles its module graph (0.3–1.5 CPU-s per job). The same choice
// as the CLI children (genq-entry.ts: dist only when every compiled file is at least as new as its
// source, GENQ_TEST_CLI forces either), so a test never runs stale code. A spy on a source module
// does not see calls made by dist code: such tests use services.ts.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ServicesModule from '../../src-main/core/services.js';
import { genqNodeArgs, repoRoot } from './genq-entry.js';
import { testServicesOn, type TestServices } from './test-services.js';

export type { TestServices };

let loaded: Promise<typeof ServicesModule> | undefined;

/** The core's services module: dist's when the CLI children use dist, else the source. */
export function servicesModule(): Promise<typeof ServicesModule> {
  const dist = !genqNodeArgs().includes('--import');
  loaded ??= dist ? (import(pathToFileURL(join(repoRoot, 'dist/src-main/core/services.js')).href) as Promise<typeof ServicesModule>) : import('../../src-main/core/services.js');
  return loaded;
}

export async function servicesOnNewProject(root: string, opts: { project?: string } = {}): Promise<TestServices> {
  return testServicesOn((await servicesModule()).createServices, root, opts);
}
