// models.* through the dispatcher (validated input), on a fresh project.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectModel } from '../../../../shared/services/models.js';
import { servicesOnNewProject, type TestServices } from '../../../helpers/services.js';
import { FIXTURES, reference, tempDir } from './fixtures.js';

const tmp = tempDir('models-service');
let s: TestServices;
beforeAll(async () => {
  s = await servicesOnNewProject(tmp.path);
});
afterAll(async () => {
  await s.dispose();
  tmp.remove();
});

const call = async <T>(method: string, input: unknown): Promise<T> => {
  const r = await s.dispatch('models', method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { name: r.error.name });
  return r.value as T;
};

describe('models service', () => {
  it('adds folders with their facts, infers roles, caches graphs in the project models/ folder', async () => {
    const mpnet = await call<ProjectModel>('add', { dir: join(FIXTURES, 'tiny-mpnet') });
    expect(mpnet).toMatchObject({ name: 'tiny-mpnet', role: 'encoder', source: 'local folder' });
    expect(mpnet.info).toMatchObject({ architecture: 'mpnet', hiddenSize: 64, pooling: 'mean', provider: 'cpu' });
    expect(readdirSync(join(s.dir, 'models', 'onnx')).some((f) => f.startsWith('mpnet-'))).toBe(true);
    const t5 = await call<ProjectModel>('add', { dir: join(FIXTURES, 'tiny-t5'), name: 'generator' });
    expect(t5).toMatchObject({ name: 'generator', role: 'generator' });
    const ce = await call<ProjectModel>('add', { dir: join(FIXTURES, 'tiny-cross-encoder') });
    expect(ce.role).toBe('cross-encoder');
    const listed = await call<ProjectModel[]>('list', {});
    expect(listed.map((m) => m.name)).toEqual(['tiny-mpnet', 'generator', 'tiny-cross-encoder']);
    expect(s.messages.filter((m) => m.service === 'models' && m.event === 'onChanged')).toHaveLength(3);
    // Adding the same folder again refreshes it instead of duplicating it.
    await call('add', { dir: join(FIXTURES, 'tiny-mpnet') });
    expect(await call<ProjectModel[]>('list', {})).toHaveLength(3);
  });

  it('tryEmbed: cosine of two texts, 1 for identical texts', async () => {
    const [mpnet] = await call<ProjectModel[]>('list', {});
    const ref = reference('tiny-mpnet');
    const same = await call<{ cosine: number; dimension: number; provider: string }>('tryEmbed', { id: mpnet.id, a: 'tax cuts', b: 'tax cuts' });
    expect(same).toMatchObject({ dimension: 64, provider: 'cpu' });
    expect(same.cosine).toBeCloseTo(1, 6);
    const e0 = ref.embeddings[0];
    const e2 = ref.embeddings[2];
    const dot = e0.reduce((a, x, i) => a + x * e2[i], 0);
    const expected = dot / (Math.hypot(...e0) * Math.hypot(...e2));
    const diff = await call<{ cosine: number }>('tryEmbed', { id: mpnet.id, a: ref.sentences[0], b: ref.sentences[2] });
    expect(diff.cosine).toBeCloseTo(expected, 4);
  });

  it('refuses generators, unknown ids, bad folders and empty texts with named errors', async () => {
    const models = await call<ProjectModel[]>('list', {});
    await expect(call('tryEmbed', { id: models[1].id, a: 'x', b: 'y' })).rejects.toThrow(/is a generator; only encoders embed text/);
    await expect(call('tryEmbed', { id: 999, a: 'x', b: 'y' })).rejects.toMatchObject({ name: 'ModelNotFoundError' });
    await expect(call('add', { dir: join(tmp.path, 'missing') })).rejects.toMatchObject({ name: 'ModelFolderError' });
    await expect(call('tryEmbed', { id: models[0].id, a: '', b: 'y' })).rejects.toThrow();
  });

  it('info on any folder; remove forgets the model but leaves the folder', async () => {
    const info = await call<{ architecture: string; layers: number }>('info', { dir: join(FIXTURES, 'tiny-bert') });
    expect(info).toMatchObject({ architecture: 'bert', layers: 2 });
    const [first] = await call<ProjectModel[]>('list', {});
    await call('remove', { id: first.id });
    expect((await call<ProjectModel[]>('list', {})).map((m) => m.id)).not.toContain(first.id);
    expect(existsSync(join(FIXTURES, 'tiny-mpnet', 'config.json'))).toBe(true);
  });
});
