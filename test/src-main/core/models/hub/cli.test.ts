// genq models pull / list / info ID from the shell, against the fake Hub (child processes).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../helpers/run-cli.js';
import { FIXTURES, tempDir } from '../fixtures.js';
import { FakeHub } from './hub-server.js';

const tmp = tempDir('hub-cli');
const hub = new FakeHub({ 'genq-test/tiny-bert': { dir: join(FIXTURES, 'tiny-bert') } });
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  env = { HF_ENDPOINT: await hub.start(), GENQ_CACHE: join(tmp.path, 'cache'), HF_TOKEN: '', GENQ_OFFLINE: '', HF_HUB_OFFLINE: '', GENQ_USER_DATA: join(tmp.path, 'ud') };
});
afterAll(async () => {
  await hub.stop();
  tmp.remove();
});

describe('genq models pull/list/info', () => {
  it('pulls with progress on stderr, lists the cache, and info accepts the cached id', async () => {
    const commit = FakeHub.commitOf('genq-test/tiny-bert');
    const pulled = await runCli(['models', 'pull', 'genq-test/tiny-bert@main'], env);
    expect(pulled.code).toBe(0);
    const result = JSON.parse(pulled.stdout) as { dir: string; commit: string; totalBytes: number };
    expect(result).toMatchObject({ commit, dir: join(tmp.path, 'cache', 'hub', 'models--genq-test--tiny-bert', 'snapshots', commit) });
    expect(pulled.stderr).toMatch(/genq-test\/tiny-bert: .*MB \/ 1\.4 MB \(100%\)/);

    const listed = await runCli(['models', 'list'], env);
    expect(JSON.parse(listed.stdout)).toMatchObject({ cacheDir: join(tmp.path, 'cache', 'hub'), models: [{ repo: 'genq-test/tiny-bert', commit, refs: ['main'], sizeOnDisk: result.totalBytes }] });

    const info = await runCli(['models', 'info', 'genq-test/tiny-bert', '--no-load'], { ...env, GENQ_OFFLINE: '1' });
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ dir: result.dir, architecture: 'bert', sizeOnDisk: result.totalBytes });
  });

  it('clear one-line errors: unknown repo, uncached id offline, id not pulled for info', async () => {
    const missing = await runCli(['models', 'pull', 'genq-test/nope'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^genq: genq-test\/nope: model not found on http:\/\/127\.0\.0\.1:\d+ .*check the id/m);
    const offline = await runCli(['models', 'pull', 'genq-test/nope'], { ...env, HF_HUB_OFFLINE: '1' });
    expect(offline.stderr).toMatch(/not in the model cache .* offline mode is on/);
    const info = await runCli(['models', 'info', 'genq-test/other'], env);
    expect(info.stderr).toMatch(/genq-test\/other: neither a model folder nor a model in the cache .*genq models pull genq-test\/other/);
  });
});
