// The composition root through the dispatcher: what every transport (IPC, web) calls.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { EventMessage } from '../../../../shared/contract.js';
import { createServices, type Services } from '../../../../src-main/core/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { LATEST_SCHEMA_VERSION } from '../../../../src-main/core/project/migrations.js';

const tempDir = useTempDirs();
const opened: Services[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.dispose();
});

async function services(opts: { chooseDirectory?: (t?: string) => Promise<string | null>; testJobKinds?: boolean } = {}) {
  const root = tempDir();
  const s = await createServices({ mode: 'web', userDataDir: join(root, 'user-data'), ...opts });
  opened.push(s);
  const events: EventMessage[] = [];
  s.events.subscribe((m) => events.push(m));
  return { s, root, events };
}

describe('API validation through dispatch', () => {
  it('rejects bad inputs with messages naming the field', async () => {
    const { s } = await services({ testJobKinds: true });
    expect(await s.dispatch('projects', 'open', { dir: '   ' })).toEqual({
      ok: false,
      error: { name: 'ValidationError', message: 'Invalid input for projects.open: dir: a project folder path is required' },
    });
    const r = await s.dispatch('projects', 'create', { dir: 42 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/^Invalid input for projects\.create: dir: /);
    const j = await s.dispatch('jobs', 'get', { id: -1 });
    expect(!j.ok && j.error).toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/jobs\.get: id: /) });
    const l = await s.dispatch('jobs', 'list', { limit: 'ten' });
    expect(!l.ok && l.error.message).toMatch(/jobs\.list: limit: /);
  });

  it('validates job params with the kind schema, naming the field', async () => {
    const { s, root } = await services({ testJobKinds: true });
    await s.dispatch('projects', 'create', { dir: join(root, 'p') });
    const r = await s.dispatch('jobs', 'start', { kind: 'test.count', params: { steps: 'many' } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/^Invalid input for job test\.count: steps: /) });
    const u = await s.dispatch('jobs', 'start', { kind: 'corpus.nothing', params: {} });
    expect(!u.ok && u.error).toMatchObject({
      name: 'UnknownJobKindError',
      message: expect.stringMatching(/^Unknown job kind "corpus\.nothing"\. Known kinds: .*test\.count, test\.count-light/),
    });
  });

  it('rejects unknown services and methods, and events called as methods', async () => {
    const { s } = await services();
    expect(await s.dispatch('nope', 'list', {})).toEqual({ ok: false, error: { name: 'UnknownMethodError', message: 'Unknown API method nope.list' } });
    expect(await s.dispatch('jobs', 'explode', {})).toEqual({ ok: false, error: { name: 'UnknownMethodError', message: 'Unknown API method jobs.explode' } });
    expect(await s.dispatch('jobs', 'onUpdate', {})).toMatchObject({ ok: false, error: { name: 'UnknownMethodError' } });
    expect(await s.dispatch('projects', '__proto__', {})).toMatchObject({ ok: false, error: { name: 'UnknownMethodError' } });
  });

  it('answers project-bound methods with NoProjectOpenError until a project is open', async () => {
    const { s } = await services();
    for (const [svc, m, input] of [
      ['projects', 'summary', {}],
      ['jobs', 'list', {}],
      ['jobs', 'get', { id: 1 }],
    ] as const) {
      expect(await s.dispatch(svc, m, input)).toEqual({
        ok: false,
        error: { name: 'NoProjectOpenError', message: 'No project is open. Create or open a project first.' },
      });
    }
    expect(await s.dispatch('projects', 'current', {})).toEqual({ ok: true, value: null });
  });
});

describe('services', () => {
  it('reports app info from package.json and whether native dialogs exist', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { s } = await services();
    expect(await s.dispatch('app', 'info', {})).toEqual({
      ok: true,
      value: { name: 'GenQ Workbench', version: pkg.version, mode: 'web', platform: process.platform, nativeDialogs: false },
    });
    expect(await s.dispatch('app', 'chooseDirectory', {})).toEqual({ ok: true, value: null });
    const titles: Array<string | undefined> = [];
    const { s: withDialog } = await services({ chooseDirectory: async (t) => (titles.push(t), '/picked') });
    expect((await withDialog.impl.app.info({})).nativeDialogs).toBe(true);
    expect(await withDialog.dispatch('app', 'chooseDirectory', { title: 'Open project' })).toEqual({ ok: true, value: '/picked' });
    expect(titles).toEqual(['Open project']);
  });

  it('keeps the current project open when opening another fails', async () => {
    const { s, root } = await services();
    const a = join(root, 'alpha');
    const info = await s.impl.projects.create({ dir: a, name: 'Alpha' });
    const failed = await s.dispatch('projects', 'open', { dir: join(root, 'not-a-project') });
    expect(failed.ok).toBe(false);
    const again = await s.dispatch('projects', 'create', { dir: a });
    expect(again.ok).toBe(false);
    expect(await s.impl.projects.current({})).toEqual(info);
    expect((await s.impl.projects.summary({})).project).toEqual(info);
  });

  it('creates, closes, reopens projects, keeps the recent list and fires onChanged', async () => {
    const { s, root, events } = await services();
    const a = join(root, 'alpha');
    const b = join(root, 'beta');
    const infoA = await s.impl.projects.create({ dir: a, name: 'Alpha' });
    expect(infoA).toMatchObject({ dir: a, name: 'Alpha', schemaVersion: LATEST_SCHEMA_VERSION });
    expect(await s.impl.projects.current({})).toEqual(infoA);
    await s.impl.projects.create({ dir: b });
    await s.impl.projects.close({});
    expect(await s.impl.projects.current({})).toBeNull();
    expect(await s.impl.projects.open({ dir: a })).toEqual(infoA);
    const summary = await s.impl.projects.summary({});
    expect(summary).toMatchObject({ project: infoA, documents: 0, passages: 0, models: 0, jobs: {} });
    const recent = await s.impl.projects.recent({});
    expect(recent.map((r) => [r.dir, r.name, r.exists])).toEqual([
      [a, 'Alpha', true],
      [b, 'beta', true],
    ]);
    const changed = events.filter((e) => e.service === 'projects' && e.event === 'onChanged').map((e) => (e.payload as { name: string } | null)?.name ?? null);
    expect(changed).toEqual(['Alpha', 'beta', null, 'Alpha']);
    await expect(s.impl.projects.create({ dir: a })).rejects.toThrow(/already contains a GenQ Workbench project/);
    await expect(s.impl.projects.open({ dir: join(root, 'missing') })).rejects.toThrow(/is not a GenQ Workbench project/);
  });

  it('opens or creates the initial project at start', async () => {
    const root = tempDir();
    const dir = join(root, 'initial');
    const s1 = await createServices({ mode: 'electron', userDataDir: join(root, 'ud'), initialProject: dir });
    opened.push(s1);
    expect((await s1.impl.projects.current({}))?.dir).toBe(dir);
    await s1.dispose();
    const s2 = await createServices({ mode: 'electron', userDataDir: join(root, 'ud'), initialProject: dir });
    opened.push(s2);
    expect((await s2.impl.projects.current({}))?.name).toBe('initial');
    // Without testJobKinds the test kinds do not exist.
    expect((await s2.impl.jobs.kinds({})).filter((k) => k.kind.startsWith('test.'))).toEqual([]);
  });
});
