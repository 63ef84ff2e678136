// The model cache shared by every project, laid out like huggingface_hub's:
//   <root>/models--OWNER--NAME/blobs/<sha256 or git oid>      file contents (+ .incomplete while downloading)
//   <root>/models--OWNER--NAME/snapshots/<commit>/<path>      links to blobs: a model folder
//   <root>/models--OWNER--NAME/refs/<revision>                the commit a branch/tag pointed to
//   <root>/models--OWNER--NAME/manifests/<commit>.json        written last: the snapshot is complete
// A lock file per repo keeps two downloads (threads or processes) from writing the same blobs.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HubAbortedError, HubCacheBusyError } from './errors.js';
import { processExists } from '../../project/locks.js';
import type { CachedModel } from '../../../../shared/services/models.js';

export interface ManifestFile {
  path: string;
  size: number;
  /** Name of the blob in blobs/ (sha256 for LFS files, git oid otherwise). */
  blob: string;
}

export interface Manifest {
  repo: string;
  commit: string;
  /** The revision asked for when it was downloaded (main, a tag, refs/pr/3, the commit). */
  revision: string;
  files: ManifestFile[];
  downloadedAt: string;
}

/** A complete snapshot in the cache: the API's CachedModel (blobs shared with other snapshots count in each size). */
export type CachedSnapshot = CachedModel;

export const repoFolderName = (repo: string) => `models--${repo.replace(/\//g, '--')}`;
const repoFromFolder = (folder: string) => folder.slice('models--'.length).replace(/--/g, '/');

export class HubCache {
  constructor(readonly root: string) {}

  repoDir(repo: string): string {
    return join(this.root, repoFolderName(repo));
  }
  blobPath(repo: string, blob: string): string {
    return join(this.repoDir(repo), 'blobs', blob);
  }
  snapshotDir(repo: string, commit: string): string {
    return join(this.repoDir(repo), 'snapshots', commit);
  }
  private manifestPath(repo: string, commit: string): string {
    return join(this.repoDir(repo), 'manifests', `${commit}.json`);
  }

  /** The commit a revision resolves to in the cache: refs/<revision>, or the revision itself when it is a commit. */
  resolveRevision(repo: string, revision: string): string | null {
    const ref = join(this.repoDir(repo), 'refs', revision);
    if (existsSync(ref) && statSync(ref).isFile()) return readFileSync(ref, 'utf8').trim();
    return /^[0-9a-f]{40}$/.test(revision) ? revision : null;
  }

  writeRef(repo: string, revision: string, commit: string): void {
    if (revision === commit) return;
    writeAtomically(join(this.repoDir(repo), 'refs', revision), commit);
  }

  /** The complete snapshot's manifest, or null when absent or unfinished. */
  manifest(repo: string, commit: string): Manifest | null {
    const path = this.manifestPath(repo, commit);
    if (!existsSync(path)) return null;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    } catch {
      return null;
    }
  }

  writeManifest(manifest: Manifest): void {
    writeAtomically(this.manifestPath(manifest.repo, manifest.commit), JSON.stringify(manifest, null, 1));
  }

  /** Every complete snapshot, newest download first. */
  list(): CachedSnapshot[] {
    if (!existsSync(this.root)) return [];
    const out: CachedSnapshot[] = [];
    for (const folder of readdirSync(this.root)) {
      if (!folder.startsWith('models--')) continue;
      const repo = repoFromFolder(folder);
      const refs = this.refs(repo);
      const manifests = join(this.root, folder, 'manifests');
      if (!existsSync(manifests)) continue;
      for (const name of readdirSync(manifests)) {
        if (!name.endsWith('.json')) continue;
        const m = this.manifest(repo, name.slice(0, -'.json'.length));
        if (!m) continue;
        out.push({
          repo: m.repo,
          commit: m.commit,
          refs: refs.filter(([, c]) => c === m.commit).map(([r]) => r),
          dir: this.snapshotDir(repo, m.commit),
          files: m.files.length,
          sizeOnDisk: m.files.reduce((sum, f) => sum + f.size, 0),
          downloadedAt: m.downloadedAt,
        });
      }
    }
    return out.sort((a, b) => b.downloadedAt.localeCompare(a.downloadedAt));
  }

  /** [revision, commit] pairs of refs/ (nested names like refs/pr/3 included). */
  private refs(repo: string): Array<[string, string]> {
    const base = join(this.repoDir(repo), 'refs');
    if (!existsSync(base)) return [];
    return (readdirSync(base, { recursive: true }) as string[])
      .filter((rel) => statSync(join(base, rel)).isFile())
      .map((rel) => [rel.split('\\').join('/'), readFileSync(join(base, rel), 'utf8').trim()]);
  }

  /**
   * Deletes one snapshot (or every snapshot of the repo when commit is omitted), the refs that
   * point to it and the blobs no remaining snapshot uses. Returns the bytes freed.
   */
  delete(repo: string, commit?: string): number {
    const dir = this.repoDir(repo);
    if (!existsSync(dir)) return 0;
    const release = this.tryLock(repo);
    try {
      const before = blobBytes(join(dir, 'blobs'));
      const doomed = commit ? [commit] : this.list().filter((s) => s.repo === repo).map((s) => s.commit);
      for (const c of doomed) {
        rmSync(this.manifestPath(repo, c), { force: true });
        rmSync(this.snapshotDir(repo, c), { recursive: true, force: true });
        for (const [ref, target] of this.refs(repo)) if (target === c) rmSync(join(dir, 'refs', ref), { force: true });
      }
      const kept = new Set(this.list().filter((s) => s.repo === repo).flatMap((s) => this.manifest(repo, s.commit)!.files.map((f) => f.blob)));
      if (kept.size === 0) {
        release();
        rmSync(dir, { recursive: true, force: true });
        return before;
      }
      for (const blob of readdirSync(join(dir, 'blobs'))) {
        if (!kept.has(blob.replace(/\.incomplete$/, ''))) rmSync(join(dir, 'blobs', blob), { force: true });
      }
      return before - blobBytes(join(dir, 'blobs'));
    } finally {
      release();
    }
  }

  /**
   * Waits for the repo's lock (a file created with O_EXCL holding our pid). A lock whose process
   * is gone is taken over. Returns the release function.
   */
  async lock(repo: string, signal?: AbortSignal, onWait?: () => void): Promise<() => void> {
    let warned = false;
    for (;;) {
      if (signal?.aborted) throw new HubAbortedError(`${repo}: cancelled while waiting for another download of the same model`);
      try {
        return this.tryLock(repo);
      } catch (err) {
        if (!(err instanceof HubCacheBusyError)) throw err;
        if (!warned) onWait?.();
        warned = true;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Takes the lock now or throws HubCacheBusyError. */
  tryLock(repo: string): () => void {
    const path = join(this.repoDir(repo), '.lock');
    mkdirSync(dirname(path), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
        closeSync(fd);
        let released = false;
        return () => {
          if (!released) rmSync(path, { force: true });
          released = true;
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = lockHolder(path);
        if (holder !== null ? processExists(holder) : ageMs(path) < 5000) break;
        rmSync(path, { force: true }); // stale: its process died mid-download
      }
    }
    throw new HubCacheBusyError(`${repo}: another download of this model is in progress (lock ${path})`);
  }
}

function lockHolder(path: string): number | null {
  try {
    return Number(JSON.parse(readFileSync(path, 'utf8')).pid) || null;
  } catch {
    return null; // being written right now (fresh), or garbage left by a crash (old)
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

function blobBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

export function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}
