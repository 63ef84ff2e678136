// Where tuned models go and how they join the project's models table: a sentence-transformers
// folder under <project>/models/, registered as an encoder whose parent is the base model.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { ModelInfo } from '../../../shared/services/models.js';
import { modelInfo } from '../models/info.js';

export class TrainingModelError extends Error {
  override name = 'TrainingModelError';
}

export interface BaseModelRow {
  id: number;
  name: string;
  role: string;
  path: string;
}

/** The project model a run starts from; it must be a BERT/MPNet encoder folder that still exists. */
export function baseEncoder(db: Database.Database, modelId: number): BaseModelRow {
  const row = db.prepare('SELECT id, name, role, path FROM models WHERE id = ?').get(modelId) as BaseModelRow | undefined;
  if (!row) throw new TrainingModelError(`no model with id ${modelId} in this project`);
  if (row.role !== 'encoder') throw new TrainingModelError(`model ${modelId} (${row.name}) is a ${row.role}; only encoders (bi-encoders) can be fine-tuned here`);
  if (!existsSync(row.path)) throw new TrainingModelError(`${row.path}: the folder of model ${modelId} (${row.name}) no longer exists`);
  return row;
}

/** Folder names keep letters, digits, dot, dash and underscore. */
function slug(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'model';
}

export function tunedModelDir(projectDir: string, runId: number, name: string): string {
  return resolve(join(projectDir, 'models', `run-${runId}-${slug(name)}`));
}

export function checkpointRoot(projectDir: string, runId: number): string {
  return resolve(join(projectDir, 'checkpoints', `run-${runId}`));
}

/** Facts of an exported folder, read without loading it (the worker need not build a graph). */
export async function tunedModelInfo(dir: string): Promise<ModelInfo> {
  return modelInfo(dir, { load: false });
}

/** Inserts (or, for a folder already registered, updates) the tuned model's row; returns its id. */
export function registerTunedModel(db: Database.Database, m: { name: string; path: string; parentId: number; source: string; info: ModelInfo }): number {
  const existing = db.prepare('SELECT id FROM models WHERE path = ?').get(m.path) as { id: number } | undefined;
  if (existing) {
    db.prepare('UPDATE models SET name = ?, info = ?, parent_id = ?, source = ? WHERE id = ?').run(m.name, JSON.stringify(m.info), m.parentId, m.source, existing.id);
    return existing.id;
  }
  return Number(
    db
      .prepare("INSERT INTO models (name, role, path, source, parent_id, info) VALUES (?, 'encoder', ?, ?, ?, ?)")
      .run(m.name, m.path, m.source, m.parentId, JSON.stringify(m.info)).lastInsertRowid,
  );
}

/** The dev evaluation of the base model, kept beside the run's checkpoints so every resume finds it. */
export function readBaselineEval(root: string): { step: number; epoch: number; metrics: Record<string, number> } | null {
  const path = join(root, 'baseline.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { step: number; epoch: number; metrics: Record<string, number> }) : null;
}
