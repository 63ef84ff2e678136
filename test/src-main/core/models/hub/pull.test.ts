// pullModel with the real @huggingface/hub client against a local fake Hub over real HTTP.
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFolder } from '../../../../../src-main/core/models/folder.js';
import { HubCache } from '../../../../../src-main/core/models/hub/cache.js';
import { pullModel } from '../../../../../src-main/core/models/hub/pull.js';
import type { HubSettings } from '../../../../../src-main/core/models/hub/settings.js';
import { FIXTURES, tempDir } from '../fixtures.js';
import { FakeHub } from './hub-server.js';

const tmp = tempDir('hub-pull');
const hub = new FakeHub({
  'genq-test/tiny-bert': { dir: join(FIXTURES, 'tiny-bert') },
  'genq-test/tiny-t5': { dir: join(FIXTURES, 'tiny-t5') },
  'genq-test/gated-bert': { dir: join(FIXTURES, 'tiny-bert'), token: 'hf_test_secret' },
});
let cacheN = 0;
/** Settings with a fresh cache folder per test unless one is given. */
const settings = (over: Partial<HubSettings> = {}): HubSettings => ({
  endpoint: hub.url,
  token: undefined,
  offline: false,
  cacheDir: join(tmp.path, `cache-${++cacheN}`),
  ...over,
});
const contentGets = (file: string) => hub.requests.filter((r) => r.path.startsWith('/cdn/') && r.path.endsWith(hub.fileOf('genq-test/tiny-bert', file).sha256) && r.range !== 'bytes=0-0');

beforeAll(async () => {
  await hub.start();
});
afterAll(async () => {
  await hub.stop();
  tmp.remove();
});

describe('pullModel', () => {
  it('downloads only the runtime files into a snapshot that loadModelFolder reads', async () => {
    const s = settings();
    const progress: number[] = [];
    const r = await pullModel('genq-test/tiny-bert', { settings: s, onProgress: (p) => progress.push(p.done) });
    const commit = FakeHub.commitOf('genq-test/tiny-bert');
    expect(r).toMatchObject({ repo: 'genq-test/tiny-bert', revision: 'main', commit, fromCache: false });
    expect(r.dir).toBe(join(s.cacheDir, 'models--genq-test--tiny-bert', 'snapshots', commit));
    expect(r.files.map((f) => f.path).sort()).toEqual(
      ['1_Pooling/config.json', 'config.json', 'model.safetensors', 'modules.json', 'sentence_bert_config.json', 'tokenizer.json', 'tokenizer_config.json'],
    );
    // Reference tensors and the ONNX export stay on the Hub.
    expect(existsSync(join(r.dir, 'onnx'))).toBe(false);
    expect(existsSync(join(r.dir, 'reference_hidden.safetensors'))).toBe(false);
    expect(r.downloadedBytes).toBe(r.totalBytes);
    expect(progress.at(-1)).toBe(r.totalBytes);
    // Snapshot files link to content-addressed blobs, identical to the originals.
    expect(lstatSync(join(r.dir, 'model.safetensors')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(r.dir, 'model.safetensors')).equals(readFileSync(join(FIXTURES, 'tiny-bert', 'model.safetensors')))).toBe(true);
    expect(readdirSync(join(s.cacheDir, 'models--genq-test--tiny-bert', 'blobs'))).toContain(hub.fileOf('genq-test/tiny-bert', 'model.safetensors').sha256);
    const folder = loadModelFolder(r.dir);
    expect(folder).toMatchObject({ architecture: 'bert', pooling: 'mean', isSentenceTransformers: true, shippedOnnx: undefined });
    expect(readFileSync(join(s.cacheDir, 'models--genq-test--tiny-bert', 'refs', 'main'), 'utf8')).toBe(commit);

    // A second pull is served from the cache: no content is fetched again.
    const before = hub.requests.length;
    const again = await pullModel('genq-test/tiny-bert', { settings: s, revision: 'main' });
    expect(again).toMatchObject({ fromCache: true, downloadedBytes: 0, dir: r.dir });
    expect(hub.requests.slice(before).every((q) => q.path.startsWith('/api/'))).toBe(true);
  });

  it('downloads a T5 generator with its generation config, and a pinned commit', async () => {
    const commit = FakeHub.commitOf('genq-test/tiny-t5');
    const r = await pullModel('genq-test/tiny-t5', { settings: settings(), revision: commit });
    expect(r.files.map((f) => f.path).sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    expect(loadModelFolder(r.dir).architecture).toBe('t5');
  });

  it('include patterns fetch extra files (the ONNX export) on request', async () => {
    const r = await pullModel('genq-test/tiny-bert', { settings: settings(), include: ['onnx/*'] });
    expect(r.files.map((f) => f.path)).toContain('onnx/model.onnx');
    expect(loadModelFolder(r.dir).shippedOnnx).toBe(join(r.dir, 'onnx', 'model.onnx'));
  });

  it('resumes a download cut mid-file with a Range request and verifies the hash', async () => {
    const s = settings();
    const size = hub.fileOf('genq-test/tiny-bert', 'model.safetensors').content.length;
    hub.cuts.set('model.safetensors', [100_000, 300_000]);
    const logs: string[] = [];
    const first = contentGets('model.safetensors').length;
    const r = await pullModel('genq-test/tiny-bert', { settings: s, backoffMs: 10, log: (_l, m) => logs.push(m) });
    expect(hub.cuts.get('model.safetensors')).toEqual([]);
    const gets = contentGets('model.safetensors').slice(first);
    // Whole file, then from byte 100,000, then from 400,000 (the second cut came 300,000 bytes in).
    expect(gets.map((g) => g.range)).toEqual([null, `bytes=100000-${size - 1}`, `bytes=400000-${size - 1}`]);
    expect(logs.filter((l) => l.includes('retry'))).toHaveLength(2);
    expect(r.downloadedBytes).toBe(r.totalBytes);
    expect(readFileSync(join(r.dir, 'model.safetensors')).equals(readFileSync(join(FIXTURES, 'tiny-bert', 'model.safetensors')))).toBe(true);
    expect(readdirSync(join(s.cacheDir, 'models--genq-test--tiny-bert', 'blobs')).some((b) => b.endsWith('.incomplete'))).toBe(false);
  });

  it('continues a partial file left by a crashed process, and rejects a corrupt one', async () => {
    const s = settings();
    const file = hub.fileOf('genq-test/tiny-bert', 'model.safetensors');
    const partial = join(new HubCache(s.cacheDir).blobPath('genq-test/tiny-bert', file.sha256) + '.incomplete');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(partial, '..'), { recursive: true });
    writeFileSync(partial, file.content.subarray(0, 250_000));
    const first = contentGets('model.safetensors').length;
    const r = await pullModel('genq-test/tiny-bert', { settings: s });
    expect(contentGets('model.safetensors').slice(first).map((g) => g.range)).toEqual([`bytes=250000-${file.content.length - 1}`]);
    expect(r.downloadedBytes).toBe(r.totalBytes - 250_000);

    // Corrupt leftovers fail the sha256 check, are deleted, and the next pull starts clean.
    const s2 = settings();
    const partial2 = new HubCache(s2.cacheDir).blobPath('genq-test/tiny-bert', file.sha256) + '.incomplete';
    mkdirSync(join(partial2, '..'), { recursive: true });
    writeFileSync(partial2, Buffer.alloc(250_000, 7));
    await expect(pullModel('genq-test/tiny-bert', { settings: s2 })).rejects.toMatchObject({ name: 'HubIntegrityError', message: expect.stringMatching(/model\.safetensors: .*sha256/) });
    expect(existsSync(partial2)).toBe(false);
    // The small files done before the failure stay; model.safetensors is fetched whole.
    const clean = await pullModel('genq-test/tiny-bert', { settings: s2 });
    expect(clean.downloadedBytes).toBeGreaterThanOrEqual(file.content.length);
    expect(clean.downloadedBytes).toBeLessThan(clean.totalBytes);
    expect(readFileSync(join(clean.dir, 'model.safetensors')).equals(file.content)).toBe(true);
  });

  it('a 404 names the unknown repo or revision', async () => {
    await expect(pullModel('genq-test/no-such-model', { settings: settings() })).rejects.toMatchObject({
      name: 'HubRepoNotFoundError',
      message: expect.stringMatching(/genq-test\/no-such-model: model not found on http:\/\/127\.0\.0\.1:\d+ .*check the id.*HF_TOKEN/),
    });
    await expect(pullModel('genq-test/tiny-bert', { settings: settings(), revision: 'v9' })).rejects.toMatchObject({
      name: 'HubRepoNotFoundError',
      message: expect.stringMatching(/revision "v9" not found/),
    });
  });

  it('a 401 on a gated model tells the user to set HF_TOKEN and accept the license; the token opens it', async () => {
    const err = await pullModel('genq-test/gated-bert', { settings: settings() }).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'HubAccessError' });
    expect((err as Error).message).toMatch(/HTTP 401/);
    expect((err as Error).message).toMatch(/accept its license at http:\/\/127\.0\.0\.1:\d+\/genq-test\/gated-bert/);
    expect((err as Error).message).toMatch(/set HF_TOKEN=hf_/);
    const wrong = await pullModel('genq-test/gated-bert', { settings: settings({ token: 'hf_wrong' }) }).catch((e: Error) => e);
    expect((wrong as Error).message).toMatch(/HF_TOKEN is set; make sure its account has accepted the model's license/);
    const r = await pullModel('genq-test/gated-bert', { settings: settings({ token: 'hf_test_secret' }) });
    expect(loadModelFolder(r.dir).architecture).toBe('bert');
    expect(hub.requests.filter((q) => q.path.includes('gated-bert') && q.auth === 'Bearer hf_test_secret').length).toBeGreaterThan(3);
  });

  it('offline: serves cached snapshots without any request, and says what is missing', async () => {
    const s = settings();
    const online = await pullModel('genq-test/tiny-bert', { settings: s });
    const before = hub.requests.length;
    const offline = await pullModel('genq-test/tiny-bert', { settings: { ...s, offline: true } });
    expect(offline).toMatchObject({ dir: online.dir, fromCache: true, downloadedBytes: 0 });
    expect(hub.requests.length).toBe(before);
    await expect(pullModel('genq-test/tiny-t5', { settings: { ...s, offline: true } })).rejects.toMatchObject({
      name: 'HubOfflineError',
      message: expect.stringMatching(/genq-test\/tiny-t5@main is not in the model cache .* offline mode is on/),
    });
    // An unreachable Hub falls back to the cache too.
    const down = { ...s, endpoint: 'http://127.0.0.1:9' };
    expect((await pullModel('genq-test/tiny-bert', { settings: down })).dir).toBe(online.dir);
    await expect(pullModel('genq-test/tiny-t5', { settings: down })).rejects.toMatchObject({ name: 'HubOfflineError', message: expect.stringMatching(/cannot reach/) });
  });

  it('two pulls of the same repo at once share the lock and fetch each file once', async () => {
    const s = settings();
    const first = contentGets('model.safetensors').length;
    const logs: string[] = [];
    const [a, b] = await Promise.all([
      pullModel('genq-test/tiny-bert', { settings: s, log: (_l, m) => logs.push(m) }),
      pullModel('genq-test/tiny-bert', { settings: s, log: (_l, m) => logs.push(m) }),
    ]);
    expect(a.dir).toBe(b.dir);
    expect(contentGets('model.safetensors').length - first).toBe(1);
    expect(logs.some((l) => l.includes('waiting for another download'))).toBe(true);
    expect(existsSync(join(s.cacheDir, 'models--genq-test--tiny-bert', '.lock'))).toBe(false);
  });

  it('cancel stops the download and leaves a partial file to resume from', async () => {
    const s = settings();
    const ac = new AbortController();
    const p = pullModel('genq-test/tiny-bert', {
      settings: s,
      signal: ac.signal,
      onProgress: (q) => {
        if (q.file === 'model.safetensors' && q.done > 200_000) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(new HubCache(s.cacheDir).list()).toEqual([]);
    const r = await pullModel('genq-test/tiny-bert', { settings: s });
    expect(r.downloadedBytes).toBeLessThan(r.totalBytes);
  });
});
