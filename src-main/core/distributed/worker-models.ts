// How a worker finds the model a shard names, without the project: the coordinator's folder when
// this machine sees the same path (a shared file system, optionally mounted elsewhere: --path-map),
// else the Hub snapshot at the pinned commit in this machine's cache. Never downloads: a worker
// that has neither refuses the shard with a message saying what to do, and the shard goes to
// another worker.
import { existsSync, statSync } from 'node:fs';
import { HubCache } from '../models/hub/cache.js';
import { hubSettings } from '../models/hub/settings.js';
import type { ModelRef } from './protocol.js';

export class ModelUnavailableError extends Error {
  override name = 'ModelUnavailableError';
}

/** FROM=TO prefix rewrites for shared storage mounted at another path on this machine. */
export interface PathMap {
  from: string;
  to: string;
}

export function parsePathMap(spec: string): PathMap {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new ModelUnavailableError(`--path-map expects FROM=TO (a path prefix on the coordinator and where it is mounted here), got "${spec}"`);
  return { from: spec.slice(0, eq), to: spec.slice(eq + 1) };
}

const HUB_SNAPSHOT = /models--([^/\\]+)[/\\]snapshots[/\\]([0-9a-f]{40})(?:[/\\]|$)/;

/** The Hub repo and commit of a project model row: from its source/revision, else from a cache snapshot path. */
export function hubRefOf(row: { path: string; source: string | null; revision: string | null }): { repo: string | null; revision: string | null } {
  if (row.source && /^[\w.-]+\/[\w.-]+$/.test(row.source) && row.revision && /^[0-9a-f]{40}$/.test(row.revision)) return { repo: row.source, revision: row.revision };
  const m = HUB_SNAPSHOT.exec(row.path);
  return m ? { repo: m[1].replace(/--/g, '/'), revision: m[2] } : { repo: null, revision: null };
}

export function modelRefOf(row: { name: string; path: string; source: string | null; revision: string | null }): ModelRef {
  return { name: row.name, path: row.path, ...hubRefOf(row) };
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** The local folder for `ref` on this machine, or a ModelUnavailableError naming both places looked in. */
export function resolveWorkerModel(ref: ModelRef, opts: { pathMaps?: PathMap[]; hubCacheDir?: string } = {}): string {
  let path = ref.path;
  for (const m of opts.pathMaps ?? []) if (path.startsWith(m.from)) path = m.to + path.slice(m.from.length);
  if (isDir(path)) return path;
  const cacheDir = opts.hubCacheDir ?? hubSettings().cacheDir;
  if (ref.repo && ref.revision) {
    const cache = new HubCache(cacheDir);
    if (cache.manifest(ref.repo, ref.revision)) return cache.snapshotDir(ref.repo, ref.revision);
    throw new ModelUnavailableError(
      `model ${ref.name}: the folder ${path} is not on this machine and ${ref.repo} at commit ${ref.revision} is not in its Hub cache ${cacheDir}; ` +
        `run \`genq models pull ${ref.repo}@${ref.revision}\` on this machine, or mount the folder (--path-map)`,
    );
  }
  throw new ModelUnavailableError(`model ${ref.name}: the folder ${path} is not on this machine and the model is not from the Hub; put it on a path the workers share (--path-map FROM=TO if mounted elsewhere)`);
}
