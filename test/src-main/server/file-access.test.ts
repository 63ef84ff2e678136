// Web mode's file access, end to end over HTTP with the real services: a browser user reaches
// the project folder, its uploads and --allow-dir folders, nothing else (issue 13, item 3).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../../src-main/core/services.js';
import { createFileAccessPolicy, FileAccessError } from '../../../src-main/server/file-access.js';
import { startWebServer, type WebServer } from '../../../src-main/server/web.js';
import { makeStaticDir, raw } from './helpers.js';

let tmp: string;
let projectDir: string;
let allowed: string;
let outside: string;
let services: Services;
let server: WebServer;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'genq-file-access-'));
  projectDir = path.join(tmp, 'project');
  allowed = path.join(tmp, 'allowed');
  outside = path.join(tmp, 'outside');
  for (const d of [allowed, outside]) mkdirSync(d);
  writeFileSync(path.join(outside, 'secret.txt'), 'the secret text\n');
  writeFileSync(path.join(outside, 'pairs.tsv'), 'a query\ta passage\n');
  writeFileSync(path.join(allowed, 'notes.txt'), 'Notes that may be imported.\n');
  services = await createServices({ mode: 'web', userDataDir: path.join(tmp, 'user-data'), initialProject: projectDir });
  // A link inside the project that leads out of it.
  symlinkSync(outside, path.join(projectDir, 'escape'));
  server = await startWebServer({ services, port: 0, staticDir: makeStaticDir(), allowDirs: [allowed] });
});

afterAll(async () => {
  await server?.close();
  await services?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

async function call(service: string, method: string, input: unknown): Promise<{ ok: boolean; value?: any; error?: { name: string; message: string } }> {
  const res = await raw(server.port, {
    method: 'POST',
    path: '/api/call',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ service, method, input }),
  });
  return JSON.parse(res.body);
}

const refused = (r: { ok: boolean; error?: { name: string } }) => !r.ok && r.error?.name === 'FileAccessError';

describe('web mode file access', () => {
  it('refuses imports of files outside the allowed folders, directly or through jobs.start', async () => {
    expect(refused(await call('corpus', 'startImport', { paths: [path.join(outside, 'secret.txt')] }))).toBe(true);
    expect(refused(await call('corpus', 'startImport', { paths: ['/etc/passwd'] }))).toBe(true);
    expect(refused(await call('corpus', 'startImport', { paths: ['../outside/secret.txt'] }))).toBe(true);
    expect(refused(await call('jobs', 'start', { kind: 'corpus.import', params: { paths: [path.join(outside, 'secret.txt')] } }))).toBe(true);
    // A symlink inside the project does not lead out of it.
    expect(refused(await call('corpus', 'startImport', { paths: [path.join(projectDir, 'escape', 'secret.txt')] }))).toBe(true);
    expect(refused(await call('curation', 'importPairs', { path: path.join(outside, 'pairs.tsv') }))).toBe(true);
    const jobs = await call('jobs', 'list', {});
    expect(jobs.value).toEqual([]);
  });

  it('imports from an allowed folder', async () => {
    const started = await call('corpus', 'startImport', { paths: [path.join(allowed, 'notes.txt')] });
    expect(started.ok).toBe(true);
  });

  it('models.info answers the same for missing and existing folders outside (no existence oracle)', async () => {
    const existing = await call('models', 'info', { dir: outside });
    const missing = await call('models', 'info', { dir: path.join(tmp, 'no-such-folder') });
    expect(refused(existing) && refused(missing)).toBe(true);
    expect(existing.error!.message.replace(outside, 'X')).toBe(missing.error!.message.replace(path.join(tmp, 'no-such-folder'), 'X'));
    expect(refused(await call('models', 'add', { dir: outside }))).toBe(true);
  });

  it('creates and opens projects only under allowed folders', async () => {
    const elsewhere = path.join(outside, 'new-project');
    expect(refused(await call('projects', 'create', { dir: elsewhere }))).toBe(true);
    expect(existsSync(elsewhere)).toBe(false);
    expect(refused(await call('projects', 'open', { dir: outside }))).toBe(true);
    expect((await call('projects', 'current', {})).value.dir).toBe(projectDir);
  });

  it('exports into the project folder for relative paths, never overwrites without overwrite, never outside', async () => {
    const first = await call('curation', 'export', { format: 'tsv', out: 'exports/pairs.tsv' });
    expect(first.ok).toBe(true);
    expect(first.value.path).toBe(path.join(projectDir, 'exports', 'pairs.tsv'));
    const again = await call('curation', 'export', { format: 'tsv', out: 'exports/pairs.tsv' });
    expect(again.ok).toBe(false);
    expect(again.error!.message).toMatch(/already exists/);
    expect((await call('curation', 'export', { format: 'tsv', out: 'exports/pairs.tsv', overwrite: true })).ok).toBe(true);
    const target = path.join(outside, 'pairs.tsv');
    expect(refused(await call('curation', 'export', { format: 'tsv', out: target, overwrite: true }))).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('a query\ta passage\n');
    expect(refused(await call('curation', 'export', { format: 'tsv', out: 'project.sqlite', overwrite: true }))).toBe(true);
  });

  it('serves an exported file as a download, only inside the allowed folders', async () => {
    const file = path.join(projectDir, 'exports', 'dl.tsv');
    expect((await call('curation', 'export', { format: 'tsv', out: file })).ok).toBe(true);
    const get = (p: string, headers: Record<string, string> = { authorization: `Bearer ${server.token}` }) =>
      raw(server.port, { path: `/api/download?path=${encodeURIComponent(p)}`, headers });
    const ok = await get(file);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-disposition']).toContain('filename="dl.tsv"');
    expect(ok.body).toBe(readFileSync(file, 'utf8'));
    expect((await get(file, {})).status).toBe(401);
    const secret = await get(path.join(outside, 'secret.txt'));
    expect(secret.status).toBe(403);
    expect(secret.body).not.toContain('secret text');
    expect((await get(path.join(projectDir, 'escape', 'secret.txt'))).status).toBe(403);
  });
});

describe('createFileAccessPolicy', () => {
  it('resolves relative paths against the project folder, not the working directory', () => {
    const policy = createFileAccessPolicy({ allowDirs: [], projectDir: () => '/srv/p' });
    expect(policy.check('exports/a.tsv', 'write')).toBe('/srv/p/exports/a.tsv');
    expect(() => policy.check('../a.tsv', 'write')).toThrow(FileAccessError);
    const none = createFileAccessPolicy({ allowDirs: [], projectDir: () => null });
    expect(() => none.check('exports/a.tsv', 'write')).toThrow(/relative path needs an open project/);
  });

  it('lets read-only folders be read but not written', () => {
    const policy = createFileAccessPolicy({ allowDirs: [], readOnlyDirs: ['/cache/hub'], projectDir: () => '/srv/p' });
    expect(policy.check('/cache/hub/m', 'read')).toBe('/cache/hub/m');
    expect(() => policy.check('/cache/hub/m', 'write')).toThrow(FileAccessError);
    expect(policy.guardInput('models', 'add', { dir: '/cache/hub/m' })).toEqual({ dir: '/cache/hub/m' });
    expect(() => policy.guardInput('projects', 'open', { dir: '/cache/hub/m' })).toThrow(FileAccessError);
  });
});
