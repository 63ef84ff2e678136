// The model manager's part of models.*: pull (a 'models.download' job in the open project), the
// shared cache's listing and deletion, suggestions and the Hub settings. Spread into the models
// service by models-service.ts.
import type { GenqApiImpl } from '../../../../shared/api.js';
import type { ProjectManager } from '../../project/project-manager.js';
import { HubCache } from './cache.js';
import { MODELS_DOWNLOAD_KIND } from './jobs.js';
import { hubSettings } from './settings.js';
import { HUB_SUGGESTIONS } from './suggestions.js';

export type HubMethods = Pick<GenqApiImpl['models'], 'pull' | 'cached' | 'deleteCached' | 'suggestions' | 'hubStatus' | 'hubReachable'>;

const REACH_TIMEOUT_MS = 4000;

/** Any HTTP answer from the endpoint counts (even 401/404): what matters is that the network gets there. */
export async function probeHub(endpoint: string, timeoutMs = REACH_TIMEOUT_MS): Promise<{ reachable: boolean; message: string }> {
  try {
    const res = await fetch(endpoint, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    return { reachable: true, message: `${endpoint} answered (HTTP ${res.status})` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    return { reachable: false, message: `${endpoint} cannot be reached from here (${cause})` };
  }
}

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
    hubReachable: async () => {
      const s = hubSettings();
      if (s.offline) return { reachable: false, message: 'offline mode (GENQ_OFFLINE or HF_HUB_OFFLINE): the Hub is not contacted' };
      return probeHub(s.endpoint);
    },
  };
}
