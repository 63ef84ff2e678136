// One way to name a model: a project model's id or name, a folder, or a cached Hub id; folders and
// Hub ids given to a project command are registered on the fly, once.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectModel } from '../../../../shared/services/models.js';
import { HubOfflineError } from '../../../../src-main/core/models/hub/errors.js';
import { ensureProjectModel, findProjectModel, ModelRefError, resolveModelFolder } from '../../../../src-main/core/models/model-ref.js';
import { servicesOnNewProject, type TestServices } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tinyBert = fileURLToPath(new URL('../../../fixtures/tiny-bert', import.meta.url));
const tempDir = useTempDirs('genq-model-ref-');
let s: TestServices;
const savedCache = process.env.GENQ_CACHE;
beforeAll(async () => {
  s = await servicesOnNewProject(tempDir());
  process.env.GENQ_CACHE = join(tempDir(), 'empty-cache');
});
afterAll(async () => {
  process.env.GENQ_CACHE = savedCache;
  await s.dispose();
});

describe('model refs', () => {
  it('registers a folder once, then finds it by id, name or folder; names stay unique', async () => {
    const db = s.projects.require().project.db;
    const registered: ProjectModel[] = [];
    const add = (input: Parameters<typeof s.impl.models.add>[0]) => s.impl.models.add(input);
    const first = await ensureProjectModel(db, add, tinyBert, { onRegistered: (m) => registered.push(m) });
    expect(first).toMatchObject({ name: 'tiny-bert', role: 'encoder', path: tinyBert });
    expect(registered).toHaveLength(1);
    expect(await ensureProjectModel(db, add, tinyBert, { onRegistered: (m) => registered.push(m) })).toEqual(first);
    expect(await ensureProjectModel(db, add, 'tiny-bert')).toEqual(first);
    expect(await ensureProjectModel(db, add, String(first.id))).toEqual(first);
    expect(registered).toHaveLength(1);

    // Another folder with the same folder name gets a name of its own, so names keep finding one model.
    const copy = join(tempDir(), 'tiny-bert');
    cpSync(tinyBert, copy, { recursive: true });
    const second = await ensureProjectModel(db, add, copy);
    expect(second.name).toBe('tiny-bert-2');
    expect(findProjectModel(db, 'tiny-bert')!.id).toBe(first.id);

    // A project model's name wins over a folder of that name in the working directory (the repository's test/).
    db.prepare("UPDATE models SET name = 'test' WHERE id = ?").run(second.id);
    expect(await ensureProjectModel(db, add, 'test')).toMatchObject({ id: second.id, path: copy });
    db.prepare("UPDATE models SET name = 'same' WHERE id IN (?, ?)").run(first.id, second.id);
    expect(() => findProjectModel(db, 'same')).toThrow(/several models of the project are named "same" \(ids 1, 2\); pass the id/);
  });

  it('says what is wrong with a ref that names nothing', async () => {
    const db = s.projects.require().project.db;
    const add = (input: Parameters<typeof s.impl.models.add>[0]) => s.impl.models.add(input);
    await expect(ensureProjectModel(db, add, 'tuned')).rejects.toThrow(/^no model "tuned" in this project, and no model folder or cached Hub model by that name/);
    await expect(ensureProjectModel(db, add, 'tuned')).rejects.toBeInstanceOf(ModelRefError);
    // An OWNER/NAME that is not in the cache says how to download it.
    expect(() => resolveModelFolder('microsoft/mpnet-base')).toThrow(HubOfflineError);
    expect(() => resolveModelFolder('microsoft/mpnet-base')).toThrow(/genq models pull microsoft\/mpnet-base/);
  });
});
