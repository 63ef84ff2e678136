// `pull`: a model repo at a revision into the shared cache, as a ready-to-load snapshot folder.
// Resolve the revision to a commit (pinned, so a resumed pull fetches the same files), list and
// select the files, download the missing blobs under the repo's lock, link them into
// snapshots/<commit>/, then write the manifest that marks the snapshot complete. Offline (or
// when the Hub cannot be reached) a complete cached snapshot is returned instead.
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { HubCache, type Manifest } from './cache.js';
import { createHubClient, type HubClient } from './client.js';
import { downloadBlob } from './download.js';
import { HubError, HubMissingFilesError, HubOfflineError } from './errors.js';
import { selectFiles, type RepoFile } from './select.js';
import { hubSettings, type HubSettings } from './settings.js';

export interface PullOptions {
  revision?: string;
  /** Extra path globs to fetch too (e.g. "pytorch_model.bin", "onnx/*"). */
  include?: string[];
  /** Pin to this commit (a resumed job passes the one it resolved first). */
  commit?: string;
  settings?: HubSettings;
  signal?: AbortSignal;
  /** Bytes present of the selected files, and their total (called often; throttle downstream). */
  onProgress?(p: { done: number; total: number; file?: string }): void;
  /** Called once the commit is known (before any byte is fetched), to checkpoint it. */
  onResolved?(commit: string): void;
  log?(level: 'info' | 'warn', message: string): void;
  /** For tests: a client other than the real Hub one. */
  client?: HubClient;
  retries?: number;
  backoffMs?: number;
}

export interface PullResult {
  repo: string;
  revision: string;
  commit: string;
  /** The snapshot folder to load (loadModelFolder / models.add). */
  dir: string;
  files: Array<{ path: string; size: number }>;
  totalBytes: number;
  /** Bytes fetched over the network by this pull (0 when everything was cached). */
  downloadedBytes: number;
  fromCache: boolean;
  warnings: string[];
}

export async function pullModel(repo: string, opts: PullOptions = {}): Promise<PullResult> {
  const settings = opts.settings ?? hubSettings();
  const revision = opts.revision ?? 'main';
  const cache = new HubCache(settings.cacheDir);
  const log = opts.log ?? (() => {});
  if (settings.offline) return fromCache(cache, repo, revision, opts.commit, 'offline mode is on (GENQ_OFFLINE or HF_HUB_OFFLINE)');

  const client = opts.client ?? createHubClient(settings, opts.signal);
  let commit: string;
  try {
    commit = opts.commit ?? (await client.resolveCommit(repo, revision));
  } catch (err) {
    // Unreachable Hub (not a refusal): fall back to what the cache has, like huggingface_hub.
    if (err instanceof HubError || opts.signal?.aborted) throw err;
    const cached = tryFromCache(cache, repo, revision, opts.commit);
    if (cached) {
      log('warn', `${settings.endpoint} unreachable (${(err as Error).message}); using the cached ${repo}@${cached.commit.slice(0, 12)}`);
      return cached;
    }
    throw new HubOfflineError(`${repo}@${revision}: cannot reach ${settings.endpoint} (${(err as Error).message}) and the model is not in the cache ${settings.cacheDir}`, { cause: err });
  }
  opts.onResolved?.(commit);
  const done = cache.manifest(repo, commit);
  if (done && snapshotIntact(cache, done)) {
    cache.writeRef(repo, revision, commit);
    return result(cache, done, revision, 0, true, []);
  }

  const selection = selectFiles(await client.listFiles(repo, commit), opts.include);
  if (!selection.files.some((f) => /\.(safetensors|bin|h5|msgpack|onnx)$/.test(f.path))) {
    throw new HubMissingFilesError(
      `${repo}@${revision}: ${selection.warnings[0]}. Look for a revision with model.safetensors (the Hub's conversion bot opens one as refs/pr/N; pull ${repo}@refs/pr/N), or pass --include to fetch other weight files.`,
    );
  }
  for (const w of selection.warnings) log('warn', `${repo}: ${w}`);

  const release = await cache.lock(repo, opts.signal, () => log('info', `${repo}: waiting for another download of the same model to finish`));
  try {
    const total = selection.files.reduce((sum, f) => sum + f.size, 0);
    let present = selection.files.reduce((sum, f) => sum + presentBytes(cache, repo, f), 0);
    opts.onProgress?.({ done: present, total });
    let downloaded = 0;
    for (const file of selection.files) {
      const blob = blobName(file);
      downloaded += await downloadBlob(file, cache.blobPath(repo, blob), {
        open: () => client.openFile(repo, commit, file.path),
        signal: opts.signal,
        retries: opts.retries,
        backoffMs: opts.backoffMs,
        onBytes: (delta) => {
          present += delta;
          opts.onProgress?.({ done: present, total, file: file.path });
        },
        onRetry: (attempt, err) => log('warn', `${file.path}: ${err.message}; retry ${attempt}, resuming from the bytes on disk`),
      });
      linkIntoSnapshot(cache, repo, commit, file.path, blob);
    }
    createModuleFolders(cache.snapshotDir(repo, commit));
    const manifest: Manifest = {
      repo,
      commit,
      revision,
      files: selection.files.map((f) => ({ path: f.path, size: f.size, blob: blobName(f) })),
      downloadedAt: new Date().toISOString(),
    };
    cache.writeManifest(manifest);
    cache.writeRef(repo, revision, commit);
    log('info', `${repo}@${commit.slice(0, 12)}: ${selection.files.length} files, ${downloaded} bytes downloaded`);
    return result(cache, manifest, revision, downloaded, downloaded === 0, selection.warnings);
  } finally {
    release();
  }
}

/** The cached snapshot for repo@revision, without any network; throws HubOfflineError when absent. */
export function fromCache(cache: HubCache, repo: string, revision: string, commit: string | undefined, why: string): PullResult {
  const cached = tryFromCache(cache, repo, revision, commit);
  if (cached) return cached;
  throw new HubOfflineError(`${repo}@${revision} is not in the model cache ${cache.root} and ${why}; download it first while online (genq models pull ${repo}) or unset the offline variable`);
}

function tryFromCache(cache: HubCache, repo: string, revision: string, commit?: string): PullResult | null {
  const c = commit ?? cache.resolveRevision(repo, revision);
  const m = c ? cache.manifest(repo, c) : null;
  return m && snapshotIntact(cache, m) ? result(cache, m, revision, 0, true, []) : null;
}

const blobName = (f: RepoFile) => f.lfs?.oid ?? f.oid;

function presentBytes(cache: HubCache, repo: string, f: RepoFile): number {
  const path = cache.blobPath(repo, blobName(f));
  for (const p of [path, `${path}.incomplete`]) if (existsSync(p)) return Math.min(lstatSync(p).size, f.size);
  return 0;
}

function snapshotIntact(cache: HubCache, m: Manifest): boolean {
  return m.files.every((f) => existsSync(join(cache.snapshotDir(m.repo, m.commit), f.path)));
}

/** snapshots/<commit>/<path> → ../../blobs/<blob> (relative, so the cache can move); a copy where symlinks are not allowed. */
function linkIntoSnapshot(cache: HubCache, repo: string, commit: string, path: string, blob: string): void {
  const link = join(cache.snapshotDir(repo, commit), path);
  const target = cache.blobPath(repo, blob);
  mkdirSync(dirname(link), { recursive: true });
  rmSync(link, { force: true });
  try {
    symlinkSync(relative(dirname(link), target), link);
  } catch {
    copyFileSync(target, link); // Windows without developer mode
  }
}

/** sentence-transformers modules without files (2_Normalize) still get their folder. */
function createModuleFolders(dir: string): void {
  const modulesPath = join(dir, 'modules.json');
  if (!existsSync(modulesPath)) return;
  try {
    for (const m of JSON.parse(readFileSync(modulesPath, 'utf8')) as Array<{ path?: string }>) {
      if (m.path && !m.path.includes('..')) mkdirSync(join(dir, m.path), { recursive: true });
    }
  } catch {
    // A malformed modules.json is reported by loadModelFolder, which reads it properly.
  }
}

function result(cache: HubCache, m: Manifest, revision: string, downloaded: number, fromCacheOnly: boolean, warnings: string[]): PullResult {
  return {
    repo: m.repo,
    revision,
    commit: m.commit,
    dir: cache.snapshotDir(m.repo, m.commit),
    files: m.files.map((f) => ({ path: f.path, size: f.size })),
    totalBytes: m.files.reduce((sum, f) => sum + f.size, 0),
    downloadedBytes: downloaded,
    fromCache: fromCacheOnly,
    warnings,
  };
}
