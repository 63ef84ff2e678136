// Builds Services on a fresh project with the test job kinds, for runner and API tests, from the
// source modules (services-compiled.ts: the same on dist/, for tests whose subject is not the
// source modules' identity).
import { createServices } from '../../src-main/core/services.js';
import { testServicesOn, type TestServices } from './test-services.js';

export type { TestServices };

export function servicesOnNewProject(root: string, opts: { project?: string } = {}): Promise<TestServices> {
  return testServicesOn(createServices, root, opts);
}
