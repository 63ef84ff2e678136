// A project model looked up by id for a stage that needs one role (a generator, an encoder, a
// cross-encoder): the one place that words "no model with id N" and "model N (name) is a R, not …".
import type Database from 'better-sqlite3';
import type { ModelRole } from '../../../shared/services/models.js';

/** A row of the project's models table (its role column is CHECKed to the three ModelRoles). */
export interface ProjectModelRow {
  id: number;
  name: string;
  role: ModelRole;
  path: string;
  source: string | null;
  revision: string | null;
}

const ROLE_NAMES: Record<ModelRole, string> = { encoder: 'an encoder', generator: 'a query generator', 'cross-encoder': 'a cross-encoder' };

/**
 * The project's model `modelId`, which must have `role`. Otherwise throws `new StageError(message)`,
 * the caller's error class (its name is what the user sees); `why` follows the role in the message
 * ("; a dense retriever needs an encoder").
 */
export function projectModelOfRole(db: Database.Database, modelId: number, role: ModelRole, StageError: new (message: string) => Error, why = ''): ProjectModelRow {
  const row = db.prepare('SELECT id, name, role, path, source, revision FROM models WHERE id = ?').get(modelId) as ProjectModelRow | undefined;
  if (!row) throw new StageError(`no model with id ${modelId} in this project`);
  if (row.role !== role) throw new StageError(`model ${modelId} (${row.name}) is a ${row.role}, not ${ROLE_NAMES[role]}${why}`);
  return row;
}
