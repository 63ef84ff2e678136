// models.pull / cached / deleteCached / suggestions / hubStatus through the dispatcher, with the
// download running as a 'models.download' job in a worker thread against the fake Hub.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../../../shared/services/jobs.js';
import type { CachedModel, HubStatus, HubSuggestion, ProjectModel } from '../../../../../shared/services/models.js';
import type { PullResult } from '../../../../../src-main/core/models/hub/pull.js';
import { servicesOnNewProject, type TestServices } from '../../../../helpers/services.js';
import { FIXTURES, tempDir } from '../fixtures.js';
import { FakeHub } from './hub-server.js';

const tmp = tempDir('hub-service');
const hub = new FakeHub({
  'genq-test/tiny-bert': { dir: join(FIXTURES, 'tiny-bert') },
  'genq-test/tiny-t5': { dir: join(FIXTURES, 'tiny-t5') },
});
const saved = { HF_ENDPOINT: process.env.HF_ENDPOINT, GENQ_CACHE: process.env.GENQ_CACHE, HF_TOKEN: process.env.HF_TOKEN };
let s: TestServices;

const call = async <T>(method: string, input: unknown): Promise<T> => {
  const r = await s.dispatch('models', method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { name: r.error.name });
  return r.value as T;
};

beforeAll(async () => {
  // Worker threads copy process.env when they start, so the jobs see these too.
  process.env.HF_ENDPOINT = await hub.start();
  process.env.GENQ_CACHE = join(tmp.path, 'cache');
  delete process.env.HF_TOKEN;
  s = await servicesOnNewProject(tmp.path);
});
afterAll(async () => {
  await s.dispose();
  await hub.stop();
  for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
  tmp.remove();
});

describe('models service: Hub downloads', () => {
  it('pull runs a models.download job with byte progress; the snapshot is listed and can be added', async () => {
    const job = await call<JobSnapshot>('pull', { repo: 'genq-test/tiny-bert' });
    expect(job).toMatchObject({ kind: 'models.download', title: 'Download genq-test/tiny-bert' });
    const done = await s.finished(job.id);
    expect(done.state).toBe('done');
    const result = done.result as PullResult;
    expect(result.dir).toBe(join(tmp.path, 'cache', 'hub', 'models--genq-test--tiny-bert', 'snapshots', FakeHub.commitOf('genq-test/tiny-bert')));
    expect(done.progress).toMatchObject({ unit: 'bytes', done: result.totalBytes, total: result.totalBytes });
    const cached = await call<CachedModel[]>('cached', {});
    expect(cached).toEqual([expect.objectContaining({ repo: 'genq-test/tiny-bert', refs: ['main'], dir: result.dir, files: 7, sizeOnDisk: result.totalBytes })]);
    const added = await call<ProjectModel>('add', { dir: result.dir, role: 'encoder' });
    expect(added.info).toMatchObject({ architecture: 'bert', pooling: 'mean' });
  });

  it('cancel mid-file, then resume continues with a Range request', async () => {
    hub.slow.set('model.safetensors', 40);
    const job = await call<JobSnapshot>('pull', { repo: 'genq-test/tiny-t5' });
    const blobs = join(tmp.path, 'cache', 'hub', 'models--genq-test--tiny-t5', 'blobs');
    // Wait until part of the weights is on disk.
    for (let i = 0; i < 200; i++) {
      const partial = existsSync(blobs) ? readdirSync(blobs).find((f) => f.endsWith('.incomplete')) : undefined;
      const got = s.updatesOf(job.id).at(-1)?.progress;
      if (partial && got && got.message === 'model.safetensors' && got.done > 200_000) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const cancelled = await s.dispatch('jobs', 'cancel', { id: job.id });
    expect(cancelled.ok).toBe(true);
    const stopped = await s.finished(job.id);
    expect(stopped).toMatchObject({ state: 'cancelled', resumable: true });
    hub.slow.delete('model.safetensors');
    const mark = hub.requests.length;
    const resumed = await s.dispatch('jobs', 'resume', { id: job.id });
    expect(resumed.ok).toBe(true);
    const done = await s.finished(job.id);
    expect(done.state).toBe('done');
    const ranges = hub.requests.slice(mark).filter((r) => r.path.startsWith('/cdn/') && r.range !== 'bytes=0-0').map((r) => r.range);
    expect(ranges).toHaveLength(1);
    expect(ranges[0]).toMatch(/^bytes=[1-9]\d{5,}-\d+$/);
    expect((done.result as PullResult).downloadedBytes).toBeLessThan((done.result as PullResult).totalBytes);
  });

  it('invalid ids are rejected before a job starts; a failing job carries the Hub error', async () => {
    const bad = await s.dispatch('models', 'pull', { repo: '../etc' });
    expect(bad.ok).toBe(false);
    const job = await call<JobSnapshot>('pull', { repo: 'genq-test/missing' });
    const failed = await s.finished(job.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ name: 'HubRepoNotFoundError', message: expect.stringMatching(/model not found/) });
  });

  it('deleteCached frees the bytes; suggestions and hubStatus describe the defaults', async () => {
    const before = await call<CachedModel[]>('cached', {});
    expect(before.map((c) => c.repo).sort()).toEqual(['genq-test/tiny-bert', 'genq-test/tiny-t5']);
    const t5 = before.find((c) => c.repo === 'genq-test/tiny-t5')!;
    expect(await call('deleteCached', { repo: 'genq-test/tiny-t5', commit: t5.commit })).toEqual({ freedBytes: t5.sizeOnDisk });
    expect((await call<CachedModel[]>('cached', {})).map((c) => c.repo)).toEqual(['genq-test/tiny-bert']);
    expect(existsSync(join(tmp.path, 'cache', 'hub', 'models--genq-test--tiny-t5'))).toBe(false);

    const generators = await call<HubSuggestion[]>('suggestions', { role: 'generator' });
    expect(generators.map((g) => g.repo)).toEqual(['BeIR/query-gen-msmarco-t5-base-v1', 'doc2query/msmarco-t5-base-v1', 'doc2query/msmarco-t5-small-v1', 'BeIR/query-gen-msmarco-t5-large-v1']);
    expect(generators.every((g) => g.approxBytes > 100e6 && g.parameters > 50e6)).toBe(true);
    expect((await call<HubSuggestion[]>('suggestions', {})).filter((g) => g.recommended).map((g) => g.role).sort()).toEqual(['cross-encoder', 'encoder', 'generator']);
    expect(await call<HubStatus>('hubStatus', {})).toEqual({ endpoint: hub.url, cacheDir: join(tmp.path, 'cache', 'hub'), offline: false, tokenSet: false });
  });
});
