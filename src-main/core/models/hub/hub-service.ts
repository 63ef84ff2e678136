// The model manager's part of models.*: pull (a 'models.download' job in the open project), the
// shared cache's listing and deletion, suggestions and the Hub settings. Spread into the models
// service by models-service.ts.
import type { GenqApiImpl } from '../../../../shared/api.js';
import type { ProjectManager } from '../../project/project-manager.js';
import { HubCache } from './cache.js';
import { MODELS_DOWNLOAD_KIND } from './jobs.js';
import { hubSettings } from './settings.js';
import { HUB_SUGGESTIONS } from './suggestions.js';

export type HubMethods = Pick<GenqApiImpl['models'], 'pull' | 'cached' | 'deleteCached' | 'suggestions' | 'hubStatus'>;

export function createHubMethods(manager: ProjectManager): HubMethods {
  // Read on every call: the environment (HF_ENDPOINT, GENQ_OFFLINE, …) can change between calls in tests.
  const cache = () => new HubCache(hubSettings().cacheDir);
  return {
    pull: async (params) => manager.require().runner.start(MODELS_DOWNLOAD_KIND, params),
    cached: async () => cache().list(),
    deleteCached: async ({ repo, commit }) => ({ freedBytes: cache().delete(repo, commit) }),
    suggestions: async ({ role }) => HUB_SUGGESTIONS.filter((s) => !role || s.role === role).map((s) => ({ ...s })),
    hubStatus: async () => {
      const s = hubSettings();
      return { endpoint: s.endpoint, cacheDir: s.cacheDir, offline: s.offline, tokenSet: s.token !== undefined };
    },
  };
}
