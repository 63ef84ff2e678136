// Composition root: builds every service behind shared/api.ts. Electron, web mode and the
// CLI all start here; this file only wires (each service lives in its own module).
import { apiContract, type ApiContractType, type GenqApiImpl } from '../../shared/api.js';
import { EventBus } from './api/events.js';
import { createDispatcher, type Dispatcher } from './api/dispatch.js';
import { createAppService } from './app/app-service.js';
import { packageInfo } from './app/package-info.js';
import { JobKindRegistry } from './jobs/registry.js';
import { createJobsService } from './jobs/jobs-service.js';
import { testJobKinds } from './jobs/test-kinds.js';
import { ProjectManager } from './project/project-manager.js';
import { createProjectsService } from './project/projects-service.js';
import { createCorpusService } from './corpus/corpus-service.js';
import { corpusJobKinds } from './corpus/jobs.js';
import { indexJobKinds } from './index/jobs.js';
import { createSearchService } from './eval/search-service.js';
import { evalJobKinds } from './eval/jobs.js';
import { createModelsService } from './models/models-service.js';
import { createCurationService } from './curation/curation-service.js';
import { curationJobKinds } from './curation/jobs.js';
import { hubJobKinds } from './models/hub/jobs.js';
import { createGenerationService } from './generation/generation-service.js';
import { generationJobKinds } from './generation/jobs.js';
import { createTrainingService } from './training/training-service.js';
import { trainingJobKinds } from './training/jobs.js';
import { distributedJobKinds } from './distributed/jobs.js';
import { createWorkersService } from './distributed/workers-service.js';
import { createMiningService } from './mining/mining-service.js';
import { miningJobKinds } from './mining/jobs.js';

export interface ServicesOptions {
  mode: 'electron' | 'web';
  /** Where recent-projects.json etc. live. */
  userDataDir: string;
  /** Open (creating if absent) this project folder at start. */
  initialProject?: string;
  /** Electron provides a native dialog. */
  chooseDirectory?: (title?: string) => Promise<string | null>;
  /** Also register test-only job kinds (env GENQ_TEST_JOBS=1 sets it in serve). */
  testJobKinds?: boolean;
}

export interface Services {
  impl: GenqApiImpl;
  events: EventBus<ApiContractType>;
  dispatch: Dispatcher;
  /** The open project and its runner, for the CLI and tests (null when none is open). */
  projects: ProjectManager;
  jobKinds: JobKindRegistry;
  /** Stops workers, closes the db. */
  dispose(): Promise<void>;
}

export async function createServices(opts: ServicesOptions): Promise<Services> {
  const events = new EventBus<ApiContractType>();
  const jobKinds = new JobKindRegistry();
  jobKinds.register(...corpusJobKinds);
  jobKinds.register(...hubJobKinds);
  jobKinds.register(...indexJobKinds);
  jobKinds.register(...curationJobKinds);
  jobKinds.register(...evalJobKinds);
  jobKinds.register(...generationJobKinds);
  jobKinds.register(...trainingJobKinds);
  jobKinds.register(...distributedJobKinds);
  jobKinds.register(...miningJobKinds);
  if (opts.testJobKinds) jobKinds.register(...testJobKinds);

  const projects = new ProjectManager({
    userDataDir: opts.userDataDir,
    appVersion: packageInfo().version,
    registry: jobKinds,
    events,
  });

  const impl: GenqApiImpl = {
    app: createAppService({ mode: opts.mode, chooseDirectory: opts.chooseDirectory }),
    projects: createProjectsService(projects),
    jobs: createJobsService(projects, jobKinds),
    corpus: createCorpusService(projects),
    models: createModelsService(projects, events),
    curation: createCurationService(projects),
    search: createSearchService(projects),
    generation: createGenerationService(projects),
    training: createTrainingService(projects, events),
    mining: createMiningService(projects),
    workers: createWorkersService(projects),
  };

  if (opts.initialProject) await projects.openOrCreate(opts.initialProject);

  return {
    impl,
    events,
    dispatch: createDispatcher(apiContract, impl),
    projects,
    jobKinds,
    dispose: () => projects.close(),
  };
}
