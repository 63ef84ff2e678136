// The one API between renderer and main. Each service lives in shared/services/<name>.ts;
// later pipeline stages add their methods and events there.
import type { ClientApi, ApiImpl } from './contract.js';
import { appContract } from './services/app.js';
import { projectsContract } from './services/projects.js';
import { jobsContract } from './services/jobs.js';
import { corpusContract } from './services/corpus.js';
import { modelsContract } from './services/models.js';
import { curationContract } from './services/curation.js';
import { searchContract } from './services/search.js';
import { generationContract } from './services/generation.js';
import { trainingContract } from './services/training.js';
import { miningContract } from './services/mining.js';
import { workersContract } from './services/workers.js';

export const apiContract = {
  app: appContract,
  projects: projectsContract,
  jobs: jobsContract,
  corpus: corpusContract,
  models: modelsContract,
  curation: curationContract,
  search: searchContract,
  generation: generationContract,
  training: trainingContract,
  mining: miningContract,
  workers: workersContract,
};

export type ApiContractType = typeof apiContract;
/** What the renderer calls. */
export type GenqApi = ClientApi<ApiContractType>;
/** What main implements. */
export type GenqApiImpl = ApiImpl<ApiContractType>;

export type * from './services/app.js';
export type * from './services/projects.js';
export type * from './services/jobs.js';
export type * from './services/corpus.js';
export type * from './services/models.js';
export type * from './services/curation.js';
export type * from './services/search.js';
export type * from './services/generation.js';
export type * from './services/training.js';
export type * from './services/mining.js';
export type * from './services/workers.js';
