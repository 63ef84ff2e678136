// A project model's encoder as every project path must load it: graphs cached in the project's
// models/ folder and the project's query/passage prefixes attached, plus the version hash that
// tells an index built with other prefixes (or other weights) from a current one.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { modelFolderHash } from '../index/index-store.js';
import { Embedder, type EmbedderOptions } from './embedder.js';
import { projectModelPrefixes, type ModelPrefixes } from './prefixes.js';

export async function loadProjectEncoder(projectDir: string, db: Database.Database, model: { id: number; path: string }, opts: EmbedderOptions = {}): Promise<Embedder> {
  return Embedder.load(model.path, { cacheDir: join(projectDir, 'models'), ...opts, prefixes: projectModelPrefixes(db, model.id) });
}

/**
 * What an index's vectors depend on besides the passages: the folder's contents and the prefixes.
 * Without prefixes it is the folder hash itself, so indexes built before prefixes existed stay current.
 */
export async function modelVersionHash(dir: string, prefixes: ModelPrefixes): Promise<string> {
  const folder = await modelFolderHash(dir);
  if (!prefixes.query && !prefixes.passage) return folder;
  return createHash('sha256').update(`${folder}\0${prefixes.query}\0${prefixes.passage}`).digest('hex');
}

/** modelVersionHash of a project model with its project prefixes. */
export function projectModelHash(db: Database.Database, model: { id: number; path: string }): Promise<string> {
  return modelVersionHash(model.path, projectModelPrefixes(db, model.id));
}
