// Builds or updates the index of one model version of the project: resolves the model row,
// hashes its folder, loads the encoder, runs the builder and records an 'index' run. Shared by
// the 'index.build' job handler and `genq index`.
import type Database from 'better-sqlite3';
import { deviceMemoryNote } from '../models/device-memory.js';
import { loadProjectEncoder, projectModelHash } from '../models/project-encoder.js';
import { projectModelOfRole } from '../models/project-model.js';
import { buildOrUpdateIndex, type IndexBuildReport } from './index-builder.js';
import type { IndexBuildParams } from './jobs.js';

export class IndexModelError extends Error {
  override name = 'IndexModelError';
}

export interface BuildForModelHooks {
  jobId?: number;
  signal?: AbortSignal;
  progress?(update: { done: number; total: number; message?: string }): void;
  log?(message: string): void;
}

export async function buildIndexForModel(projectDir: string, db: Database.Database, params: IndexBuildParams, hooks: BuildForModelHooks = {}): Promise<IndexBuildReport> {
  const { modelId } = params;
  const model = projectModelOfRole(db, modelId, 'encoder', IndexModelError);
  hooks.log?.(`hashing model folder ${model.path}`);
  const modelHash = await projectModelHash(db, model);
  const embedder = await loadProjectEncoder(projectDir, db, model, { provider: params.provider });
  hooks.log?.(`encoder on ${embedder.provider}${embedder.device.fallbackReasons.length ? ` (${embedder.device.fallbackReasons.join('; ')})` : ''}${await deviceMemoryNote(embedder.provider)}`);
  try {
    const report = await buildOrUpdateIndex({
      projectDir,
      db,
      modelId,
      modelPath: model.path,
      modelHash,
      embed: (texts) => embedder.embedPassages(texts, { batchSize: params.batchSize }),
      params: { M: params.M, efConstruction: params.efConstruction, ef: params.ef },
      rebuild: params.rebuild,
      batchSize: params.batchSize * 4,
      signal: hooks.signal,
      progress: hooks.progress,
      log: hooks.log,
    });
    db.prepare("INSERT INTO runs (kind, name, job_id, model_id, config, summary) VALUES ('index', ?, ?, ?, ?, ?)").run(
      `index ${model.name}`,
      hooks.jobId ?? null,
      modelId,
      JSON.stringify(params),
      JSON.stringify(report),
    );
    return report;
  } finally {
    await embedder.release();
  }
}
