// One way to name a model everywhere a command or job takes one: a model of the open project (its
// id or name), a model folder, or a Hub id already in the shared cache (OWNER/NAME[@REV]).
// Project models win over folders of the same name; a folder or cached id given to a project
// command is registered in the project on the fly (the caller says so).
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { ModelRole, ProjectModel } from '../../../shared/services/models.js';
import { resolveModelDir } from './hub/lookup.js';
import { parseRepoRef } from './hub/settings.js';
import type { ProjectModelRow as StoredModelRow } from './project-model.js';

export class ModelRefError extends Error {
  override name = 'ModelRefError';
}

/** What a model ref resolves to: the columns every command needs (not the Hub source/revision). */
export type ProjectModelRow = Pick<StoredModelRow, 'id' | 'name' | 'role' | 'path'>;

/** The project model a ref names (its id, or a name only one model has), or null when none does. */
export function findProjectModel(db: Database.Database, ref: string): ProjectModelRow | null {
  const cols = 'SELECT id, name, role, path FROM models';
  if (/^\d+$/.test(ref)) {
    const byId = db.prepare(`${cols} WHERE id = ?`).get(Number(ref)) as ProjectModelRow | undefined;
    if (byId) return byId;
  }
  const byName = db.prepare(`${cols} WHERE name = ? ORDER BY id`).all(ref) as ProjectModelRow[];
  if (byName.length > 1) throw new ModelRefError(`several models of the project are named "${ref}" (ids ${byName.map((m) => m.id).join(', ')}); pass the id`);
  return byName[0] ?? null;
}

/**
 * A folder or cached Hub id → the model folder and a name for it (the repo's name for Hub ids,
 * else the folder's). An OWNER/NAME missing from the cache fails with HubOfflineError (which names
 * `genq models pull`); anything else that is no folder with ModelRefError.
 */
export function resolveModelFolder(ref: string): { dir: string; name: string } {
  const path = resolve(ref);
  const dir = resolveModelDir(ref);
  if (existsSync(dir) && statSync(dir).isDirectory()) return { dir, name: dir === path ? basename(path) : parseRepoRef(ref).repo.split('/').at(-1)! };
  let idLike = true;
  try {
    parseRepoRef(ref);
  } catch {
    idLike = false;
  }
  throw new ModelRefError(idLike ? `${ref}: no such model folder, and no Hub model of that id in the cache` : `${path}: model folder does not exist`);
}

/** What registering a model in the project needs (the models service's add). */
export type AddModel = (input: { dir: string; name?: string; role?: ModelRole }) => ProjectModel | Promise<ProjectModel>;

/**
 * The project model a ref names, registering a folder or cached Hub id first when it is not one.
 * `onRegistered` is told about a model added on the fly (so the command can say so).
 */
export async function ensureProjectModel(
  db: Database.Database,
  add: AddModel,
  ref: string,
  opts: { role?: ModelRole; onRegistered?(model: ProjectModel): void } = {},
): Promise<ProjectModelRow> {
  const known = findProjectModel(db, ref);
  if (known) return known;
  let folder: { dir: string; name: string };
  try {
    folder = resolveModelFolder(ref);
  } catch (e) {
    if (!(e instanceof ModelRefError)) throw e;
    throw new ModelRefError(`no model "${ref}" in this project, and no model folder or cached Hub model by that name; a model is named by a project model's id or name (${projectModelList(db, opts.role)}), a model folder, or a Hub id in the cache (OWNER/NAME[@REV])`);
  }
  const { dir, name } = folder;
  const byPath = db.prepare('SELECT id, name, role, path FROM models WHERE path = ?').get(dir) as ProjectModelRow | undefined;
  if (byPath) return byPath;
  const model = await add({ dir, name: freeModelName(db, name), role: opts.role });
  opts.onRegistered?.(model);
  return { id: model.id, name: model.name, role: model.role, path: model.path };
}

/** The project's models for an error message, those of `role` first: '1 "tiny-bert" (encoder), …' (`genq models project` lists all). */
function projectModelList(db: Database.Database, role?: ModelRole): string {
  const rows = db.prepare('SELECT id, name, role FROM models ORDER BY role IS ? DESC, id').all(role ?? null) as Array<{ id: number; name: string; role: string }>;
  if (rows.length === 0) return 'this project has none yet';
  const shown = rows.slice(0, 8).map((m) => `${m.id} "${m.name}" (${m.role})`).join(', ');
  return `this project has ${shown}${rows.length > 8 ? `, and ${rows.length - 8} more: genq models project --project DIR` : ''}`;
}

/** `name`, or "name-2", "name-3"… when another model of the project already has it (names must find one model). */
export function freeModelName(db: Database.Database, name: string): string {
  const taken = new Set((db.prepare('SELECT name FROM models').all() as Array<{ name: string }>).map((r) => r.name));
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) if (!taken.has(`${name}-${i}`)) return `${name}-${i}`;
}
