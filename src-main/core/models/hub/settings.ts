// Where the Hub is, who we are, where the cache lives, and whether the network may be used:
// all from the environment, the way huggingface_hub reads it.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface HubSettings {
  /** Base URL of the Hub (HF_ENDPOINT), without a trailing slash. */
  endpoint: string;
  /** HF_TOKEN (or the older HUGGING_FACE_HUB_TOKEN); undefined when unset. */
  token: string | undefined;
  /** GENQ_OFFLINE=1 or HF_HUB_OFFLINE=1: only the cache is used. */
  offline: boolean;
  /** Root of the cache shared by every project. */
  cacheDir: string;
}

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

/** $GENQ_CACHE/hub, else $XDG_CACHE_HOME/genq-workbench/hub, else ~/.cache/genq-workbench/hub. */
export function defaultHubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GENQ_CACHE) return join(resolve(env.GENQ_CACHE), 'hub');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'genq-workbench', 'hub');
}

export function hubSettings(env: NodeJS.ProcessEnv = process.env, overrides: Partial<HubSettings> = {}): HubSettings {
  const token = (env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || '').trim() || undefined;
  return {
    endpoint: (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, ''),
    token,
    offline: truthy(env.GENQ_OFFLINE) || truthy(env.HF_HUB_OFFLINE),
    cacheDir: defaultHubCacheDir(env),
    ...overrides,
  };
}

/** "owner/name@revision" → parts; the revision may itself contain slashes (refs/pr/3). */
export function parseRepoRef(ref: string): { repo: string; revision: string } {
  const at = ref.indexOf('@');
  const repo = (at < 0 ? ref : ref.slice(0, at)).trim();
  const revision = (at < 0 ? 'main' : ref.slice(at + 1)).trim() || 'main';
  if (!/^([A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/.test(repo) || repo.includes('..')) {
    throw new TypeError(`"${ref}" is not a Hub model id; expected OWNER/NAME or OWNER/NAME@REVISION (e.g. sentence-transformers/all-MiniLM-L6-v2)`);
  }
  return { repo, revision };
}
