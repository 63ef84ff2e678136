// "DIR or cached repo id": what `genq models info` and other folder-taking commands accept.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { HubCache } from './cache.js';
import { HubOfflineError } from './errors.js';
import { parseRepoRef, hubSettings, type HubSettings } from './settings.js';

/**
 * An existing folder is returned as is; otherwise OWNER/NAME[@REV] is looked up in the shared
 * cache (never the network). An OWNER/NAME that is neither gets a message suggesting
 * `genq models pull`; anything else is returned resolved, for the folder loader to report.
 */
export function resolveModelDir(dirOrId: string, settings: HubSettings = hubSettings()): string {
  const path = resolve(dirOrId);
  if (existsSync(path) && statSync(path).isDirectory()) return path;
  let ref: { repo: string; revision: string };
  try {
    ref = parseRepoRef(dirOrId);
  } catch {
    return path; // not an id: the folder loader reports the missing folder
  }
  const cache = new HubCache(settings.cacheDir);
  const commit = cache.resolveRevision(ref.repo, ref.revision);
  if (commit && cache.manifest(ref.repo, commit)) return cache.snapshotDir(ref.repo, commit);
  if (!ref.repo.includes('/')) return path;
  throw new HubOfflineError(
    `${dirOrId}: neither a model folder nor a model in the cache ${settings.cacheDir}; download it with: genq models pull ${dirOrId}`,
  );
}
