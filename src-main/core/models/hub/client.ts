// The Hub through @huggingface/hub: resolve a revision to its commit, list the commit's files,
// and open one file as a Blob whose slices are HTTP Range requests. Failures become named errors
// that say what to do (set HF_TOKEN, accept the license, check the id).
import { downloadFile, HubApiError, listFiles, modelInfo } from '@huggingface/hub';
import { HubAccessError, HubDownloadError, HubError, HubRepoNotFoundError } from './errors.js';
import type { RepoFile } from './select.js';
import type { HubSettings } from './settings.js';

export interface HubClient {
  /** The 40-hex commit a branch, tag or commit id points to. */
  resolveCommit(repo: string, revision: string): Promise<string>;
  /** Every file of the repo at that commit. */
  listFiles(repo: string, commit: string): Promise<RepoFile[]>;
  /** The file's content as a lazily fetched Blob (slice(n).stream() resumes at byte n). */
  openFile(repo: string, commit: string, path: string): Promise<Blob>;
}

/** Thrown by the fetch wrapper when a Range request was answered with the whole file. */
export class RangeIgnoredError extends HubError {
  override name = 'RangeIgnoredError';
}

export function createHubClient(settings: HubSettings, signal?: AbortSignal): HubClient {
  const errorCodes = new Map<string, string>();
  const common = {
    hubUrl: settings.endpoint,
    ...(settings.token ? { accessToken: settings.token } : {}),
    fetch: hubFetch(errorCodes, signal),
  };
  const guard = <T>(repo: string, revision: string, what: string, call: () => Promise<T>) =>
    call().catch((err: unknown) => {
      throw classify(err, repo, revision, settings, what, err instanceof HubApiError ? errorCodes.get(err.url) : undefined);
    });
  return {
    resolveCommit: (repo, revision) =>
      guard(repo, revision, 'resolving the revision', async () => {
        const info = await modelInfo({ ...common, name: repo, revision, additionalFields: ['sha'] });
        const sha = (info as { sha?: string }).sha;
        if (!sha || !/^[0-9a-f]{40}$/.test(sha)) throw new HubDownloadError(`${settings.endpoint}: no commit id for ${repo}@${revision}`);
        return sha;
      }),
    listFiles: (repo, commit) =>
      guard(repo, commit, 'listing files', async () => {
        const files: RepoFile[] = [];
        for await (const entry of listFiles({ ...common, repo: { type: 'model', name: repo }, revision: commit, recursive: true })) {
          if (entry.type !== 'file') continue;
          files.push({ path: entry.path, size: entry.lfs?.size ?? entry.size, oid: entry.oid ?? '', ...(entry.lfs ? { lfs: { oid: entry.lfs.oid, size: entry.lfs.size } } : {}) });
        }
        return files;
      }),
    openFile: (repo, commit, path) =>
      guard(repo, commit, `opening ${path}`, async () => {
        const blob = await downloadFile({ ...common, repo: { type: 'model', name: repo }, revision: commit, path });
        if (!blob) throw new HubRepoNotFoundError(`${repo}@${commit.slice(0, 12)}: ${path} is listed but the Hub says it does not exist`);
        return blob;
      }),
  };
}

/**
 * fetch with the cancel signal attached, a check that Range requests got a 206, and the Hub's
 * X-Error-Code remembered per URL (the library's HubApiError drops headers; the code tells a
 * gated repo from a missing one).
 */
function hubFetch(errorCodes: Map<string, string>, signal?: AbortSignal): typeof fetch {
  return async (input, init = {}) => {
    const res = await fetch(input, { ...init, ...(signal ? { signal } : {}) });
    const code = res.headers.get('x-error-code');
    if (!res.ok && code) errorCodes.set(res.url, code);
    const range = new Headers(init.headers).get('range');
    if (range && !/^bytes=0-/.test(range) && res.status === 200) {
      await res.body?.cancel();
      throw new RangeIgnoredError(`${String(input)}: the server ignored "Range: ${range}" and sent the whole file`);
    }
    return res;
  };
}

/** Turns HubApiError into errors naming the repo and the fix; passes others through. */
export function classify(err: unknown, repo: string, revision: string, settings: HubSettings, what: string, errorCode?: string): unknown {
  if (!(err instanceof HubApiError)) return err;
  const page = `${settings.endpoint}/${repo}`;
  const detail = err.message.split('. URL:')[0];
  // Without a token the Hub answers 401 RepoNotFound for missing and private repos alike.
  if (errorCode === 'RepoNotFound' || errorCode === 'RevisionNotFound' || errorCode === 'EntryNotFound') {
    return notFound(repo, revision, settings, `${errorCode}: ${detail}`);
  }
  if (err.statusCode === 401 || err.statusCode === 403) {
    return new HubAccessError(
      `${repo}: the Hub refused access (HTTP ${err.statusCode}) while ${what}: ${detail}. ` +
        (settings.token
          ? `HF_TOKEN is set; make sure its account has accepted the model's license at ${page} and the token can read gated repos.`
          : `The model is gated or private: accept its license at ${page}, create a read token at ${settings.endpoint}/settings/tokens and set HF_TOKEN=hf_... before starting the app.`),
    );
  }
  if (err.statusCode === 404) return notFound(repo, revision, settings, detail);
  return new HubDownloadError(`${repo}@${revision}: HTTP ${err.statusCode} from ${err.url} while ${what}: ${detail}`);
}

function notFound(repo: string, revision: string, settings: HubSettings, detail: string): HubRepoNotFoundError {
  if (/^EntryNotFound/.test(detail)) return new HubRepoNotFoundError(`${repo}@${revision}: file not found on ${settings.endpoint} (${detail})`);
  return new HubRepoNotFoundError(
    /^RevisionNotFound/.test(detail)
      ? `${repo}: revision "${revision}" not found on ${settings.endpoint} (${detail})`
      : `${repo}: model not found on ${settings.endpoint} (${detail}); check the id (OWNER/NAME)` +
          (settings.token ? '' : ', and set HF_TOKEN if it is a private repo'),
  );
}
