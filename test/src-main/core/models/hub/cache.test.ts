// The shared cache: listing, deletion that keeps blobs other snapshots use, and the repo lock.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HubCache } from '../../../../../src-main/core/models/hub/cache.js';
import { tempDir } from '../fixtures.js';

const tmp = tempDir('hub-cache');
afterAll(() => tmp.remove());

const c1 = '1'.repeat(40);
const c2 = '2'.repeat(40);

/** A snapshot whose files are written straight into blobs/ and snapshots/ (no network). */
function snapshot(cache: HubCache, repo: string, commit: string, files: Record<string, string>, at: string): void {
  for (const [path, blob] of Object.entries(files)) {
    mkdirSync(join(cache.repoDir(repo), 'blobs'), { recursive: true });
    writeFileSync(cache.blobPath(repo, blob), blob.repeat(100));
    mkdirSync(join(cache.snapshotDir(repo, commit), path, '..'), { recursive: true });
    writeFileSync(join(cache.snapshotDir(repo, commit), path), blob.repeat(100));
  }
  cache.writeManifest({ repo, commit, revision: 'main', files: Object.entries(files).map(([path, blob]) => ({ path, size: blob.length * 100, blob })), downloadedAt: at });
}

describe('HubCache', () => {
  it('lists complete snapshots with refs and sizes; deleting one keeps blobs another snapshot shares', () => {
    const cache = new HubCache(join(tmp.path, 'a'));
    snapshot(cache, 'o/m', c1, { 'config.json': 'aa', 'model.safetensors': 'bbbb' }, '2026-01-01T00:00:00Z');
    snapshot(cache, 'o/m', c2, { 'config.json': 'aa', 'model.safetensors': 'cccc' }, '2026-01-02T00:00:00Z');
    cache.writeRef('o/m', 'main', c2);
    cache.writeRef('o/m', 'refs/pr/1', c1);
    // An unfinished snapshot (no manifest) is not listed.
    mkdirSync(cache.snapshotDir('o/other', c1), { recursive: true });
    expect(cache.list().map((s) => [s.repo, s.commit, s.refs, s.sizeOnDisk])).toEqual([
      ['o/m', c2, ['main'], 600],
      ['o/m', c1, ['refs/pr/1'], 600],
    ]);
    expect(cache.resolveRevision('o/m', 'refs/pr/1')).toBe(c1);

    expect(cache.delete('o/m', c1)).toBe(400); // only bbbb…: config.json's blob is still used by c2
    expect(existsSync(cache.blobPath('o/m', 'aa'))).toBe(true);
    expect(existsSync(cache.blobPath('o/m', 'bbbb'))).toBe(false);
    expect(cache.resolveRevision('o/m', 'refs/pr/1')).toBe(null);
    expect(cache.list().map((s) => s.commit)).toEqual([c2]);
    expect(cache.delete('o/m')).toBe(600);
    expect(existsSync(cache.repoDir('o/m'))).toBe(false);
    expect(cache.delete('o/never')).toBe(0);
  });

  it('the lock excludes a second holder, refuses deletion meanwhile, and is taken over from a dead process', async () => {
    const cache = new HubCache(join(tmp.path, 'b'));
    const release = cache.tryLock('o/m');
    expect(() => cache.tryLock('o/m')).toThrow(/another download of this model is in progress/);
    snapshot(cache, 'o/m', c1, { 'config.json': 'aa' }, '2026-01-01T00:00:00Z');
    expect(() => cache.delete('o/m')).toThrow(expect.objectContaining({ name: 'HubCacheBusyError' }));
    let waited = false;
    const second = cache.lock('o/m', undefined, () => (waited = true));
    setTimeout(release, 300);
    (await second)();
    expect(waited).toBe(true);
    // A lock left by a process that no longer exists.
    writeFileSync(join(cache.repoDir('o/m'), '.lock'), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    cache.tryLock('o/m')();
    const ac = new AbortController();
    const held = cache.tryLock('o/m');
    const waiting = cache.lock('o/m', ac.signal);
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    held();
  });
});
