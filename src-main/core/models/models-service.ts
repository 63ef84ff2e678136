// models.* of the API: the model folders registered in the open project (`models` table), their
// facts, and a quick "embed two texts" check. Built graphs are cached in the project's models/.
import { basename, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { ApiContractType, GenqApiImpl } from '../../../shared/api.js';
import type { ModelInfo, ModelRole, ProjectModel } from '../../../shared/services/models.js';
import type { EventBus } from '../api/events.js';
import type { ProjectManager } from '../project/project-manager.js';
import { reportDeviceMemory } from './device-memory.js';
import { Embedder } from './embedder.js';
import { loadModelFolder } from './folder.js';
import { defaultCacheDir } from './graph-cache.js';
import { modelInfo } from './info.js';
import { folderPrefixes, NO_PREFIXES, setProjectModelPrefixes } from './prefixes.js';
import { cosineSimilarity } from './pooling.js';
import { createHubMethods } from './hub/hub-service.js';

export class ModelNotFoundError extends Error {
  override name = 'ModelNotFoundError';
}
export class ModelRoleError extends Error {
  override name = 'ModelRoleError';
}

interface ModelRow {
  id: number;
  name: string;
  role: ModelRole;
  path: string;
  source: string | null;
  parent_id: number | null;
  info: string | null;
  created_at: string;
  query_prefix: string | null;
  passage_prefix: string | null;
}

/** The row's prefixes: its own columns, else the folder prompts recorded in info (the folder read only for older rows). */
function rowPrefixes(r: ModelRow, info: ModelInfo | null): Pick<ProjectModel, 'prefixes' | 'prefixesFrom'> {
  let folder = NO_PREFIXES;
  if (r.query_prefix === null || r.passage_prefix === null) {
    try {
      folder = info?.prompts ? folderPrefixes({ prompts: info.prompts, defaultPromptName: info.defaultPromptName ?? null }) : folderPrefixes(loadModelFolder(r.path));
    } catch {
      folder = NO_PREFIXES; // the folder is gone or broken: listing still works, loading it will say why
    }
  }
  return {
    prefixes: { query: r.query_prefix ?? folder.query, passage: r.passage_prefix ?? folder.passage },
    prefixesFrom: r.query_prefix !== null || r.passage_prefix !== null ? 'project' : 'folder',
  };
}

const toModel = (r: ModelRow): ProjectModel => ({
  id: r.id,
  name: r.name,
  role: r.role,
  path: r.path,
  source: r.source,
  parentId: r.parent_id,
  info: r.info ? (JSON.parse(r.info) as ModelInfo) : null,
  createdAt: r.created_at,
  ...rowPrefixes(r, r.info ? (JSON.parse(r.info) as ModelInfo) : null),
});

/** The project's models as the API lists them (prefixes included): for other services that emit models.onChanged. */
export function listProjectModels(db: Database.Database): ProjectModel[] {
  return (db.prepare('SELECT * FROM models ORDER BY id').all() as ModelRow[]).map(toModel);
}

export function createModelsService(manager: ProjectManager, events: EventBus<ApiContractType>): GenqApiImpl['models'] {
  const db = () => manager.require().project.db;
  const cacheDir = () => (manager.current ? join(manager.current.project.dir, 'models') : defaultCacheDir());
  const list = (): ProjectModel[] => listProjectModels(db());
  const get = (id: number): ProjectModel => {
    const row = db().prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
    if (!row) throw new ModelNotFoundError(`no model with id ${id} in this project`);
    return toModel(row);
  };
  // One loaded encoder is kept, so repeated tries with the same model do not reload it.
  let loaded: { path: string; embedder: Embedder } | null = null;
  const embedderFor = async (path: string): Promise<Embedder> => {
    if (loaded?.path === path) return loaded.embedder;
    await loaded?.embedder.release();
    loaded = null;
    loaded = { path, embedder: await Embedder.load(path, { cacheDir: cacheDir() }) };
    return loaded.embedder;
  };

  return {
    // pull, cached, deleteCached, suggestions, hubStatus: the Hub downloads (model manager).
    ...createHubMethods(manager),
    add: async ({ dir, name, role, queryPrefix, passagePrefix }) => {
      const path = resolve(dir);
      const info = await modelInfo(path, { cacheDir: cacheDir(), load: true });
      const resolvedRole: ModelRole = role ?? defaultRole(info);
      // Checked before anything is written: a refused model leaves the project as it was.
      assertRoleFits(path, info, resolvedRole);
      const existing = db().prepare('SELECT id FROM models WHERE path = ?').get(path) as { id: number } | undefined;
      let id: number;
      if (existing) {
        // Registered before (e.g. on the fly by a command): refresh its facts; a name given now renames it.
        db().prepare('UPDATE models SET info = ?, role = ?, name = COALESCE(?, name) WHERE id = ?').run(JSON.stringify(info), resolvedRole, name ?? null, existing.id);
        id = existing.id;
      } else {
        const r = db()
          .prepare('INSERT INTO models (name, role, path, source, info) VALUES (?, ?, ?, ?, ?)')
          .run(name ?? basename(path), resolvedRole, path, 'local folder', JSON.stringify(info));
        id = Number(r.lastInsertRowid);
      }
      setProjectModelPrefixes(db(), id, { query: queryPrefix, passage: passagePrefix });
      events.emit('models', 'onChanged', list());
      return get(id);
    },
    list: async () => list(),
    setPrefixes: async ({ id, query, passage }) => {
      const model = get(id);
      if (model.role !== 'encoder') throw new ModelRoleError(`model ${id} (${model.name}) is a ${model.role}; only encoders take query/passage prefixes`);
      setProjectModelPrefixes(db(), id, { query, passage });
      events.emit('models', 'onChanged', list());
      return get(id);
    },
    info: async ({ dir }) => modelInfo(dir, { cacheDir: cacheDir(), load: true }),
    remove: async ({ id }) => {
      const model = get(id);
      db().prepare('DELETE FROM models WHERE id = ?').run(id);
      if (loaded?.path === model.path) {
        await loaded.embedder.release();
        loaded = null;
      }
      events.emit('models', 'onChanged', list());
    },
    tryEmbed: async ({ id, a, b }) => {
      const model = get(id);
      if (model.role !== 'encoder' || model.info?.architecture === 't5') {
        throw new ModelRoleError(`model ${id} (${model.name}) is a ${model.role}; only encoders embed text`);
      }
      const embedder = await embedderFor(model.path);
      const t0 = performance.now();
      const [va, vb] = await embedder.embed([a, b]);
      const milliseconds = performance.now() - t0;
      // GPU memory with the model loaded, where nvidia-smi reports it (after the timing: the query is not part of it).
      return { cosine: cosineSimilarity(va, vb), dimension: va.length, provider: embedder.provider, device: { ...embedder.device, memory: await reportDeviceMemory(embedder.provider) }, milliseconds };
    },
  };
}

/** Only T5 generates queries; a T5 neither embeds nor scores pairs. */
export function assertRoleFits(path: string, info: ModelInfo, role: ModelRole): void {
  if (role === 'generator' && info.architecture !== 't5') {
    throw new ModelRoleError(`${path}: a ${info.architecture} model cannot be a generator (query generators are T5 models, e.g. BeIR/query-gen-msmarco-t5-base-v1)`);
  }
  if (role !== 'generator' && info.architecture === 't5') {
    throw new ModelRoleError(`${path}: a t5 model generates queries; it cannot be registered as ${role === 'encoder' ? 'an encoder' : 'a cross-encoder'}`);
  }
}

/** T5 generates queries; a *ForSequenceClassification BERT scores pairs; everything else embeds. */
function defaultRole(info: ModelInfo): ModelRole {
  if (info.architecture === 't5') return 'generator';
  return info.sequenceClassifier ? 'cross-encoder' : 'encoder';
}
