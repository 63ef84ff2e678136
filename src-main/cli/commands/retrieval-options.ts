// Option parsing shared by `genq index`, `genq search` and `genq eval`: a model version is a
// models.id or a model name of the project; "bm25" names the BM25 retriever.
import type Database from 'better-sqlite3';
import type { RetrieverSpec } from '../../core/eval/run-eval.js';

export class ModelVersionError extends Error {
  override name = 'ModelVersionError';
}

export function resolveModelId(db: Database.Database, version: string): number {
  const byId = /^\d+$/.test(version) ? (db.prepare('SELECT id FROM models WHERE id = ?').get(Number(version)) as { id: number } | undefined) : undefined;
  if (byId) return byId.id;
  const byName = db.prepare('SELECT id FROM models WHERE name = ? ORDER BY id DESC').all(version) as Array<{ id: number }>;
  if (byName.length === 1) return byName[0].id;
  if (byName.length > 1) throw new ModelVersionError(`several models are named "${version}"; pass its id (genq models list)`);
  throw new ModelVersionError(`no model "${version}" in this project (pass a model id or name from genq models list, or bm25)`);
}

export function retrieverSpec(db: Database.Database, version: string): RetrieverSpec {
  return version.toLowerCase() === 'bm25' ? { kind: 'bm25' } : { kind: 'model', modelId: resolveModelId(db, version) };
}
