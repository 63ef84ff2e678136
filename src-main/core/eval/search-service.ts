// search.* of the API: index status per encoder model, starting index builds, top-k search with
// a model version's saved index or BM25, and recorded eval runs. Loaded retrievers are cached
// (an encoder + its index per model, one BM25 index) so typing-as-you-search stays fast: a dense
// retriever is reloaded when its index manifest changes, BM25 is updated when passages change.
import type { GenqApiImpl } from '../../../shared/api.js';
import type { IndexInfo, RetrieverId, SearchHit } from '../../../shared/services/search.js';
import type { ProjectManager } from '../project/project-manager.js';
import { Bm25Index } from '../index/bm25.js';
import { currentPassageFingerprints, diffPassages, indexStatus, passageEmbeddingText, readManifest } from '../index/index-store.js';
import { projectModelPrefixes } from '../models/prefixes.js';
import { projectModelHash } from '../models/project-encoder.js';
import { INDEX_BUILD_KIND, indexBuildParamsSchema, MAP_BUILD_KIND } from '../index/jobs.js';
import { readEmbeddingMap } from '../index/embedding-map.js';
import { evalRunParamsSchema, mapBuildParamsSchema } from '../../../shared/services/search.js';
import { EVAL_RUN_KIND } from './jobs.js';
import type { Retriever } from './evaluate.js';
import { projectDenseRetriever, type DenseRetriever } from './retrievers.js';

interface CachedRetriever {
  key: string;
  projectDir: string;
  dense: DenseRetriever;
}

export function createSearchService(manager: ProjectManager): GenqApiImpl['search'] {
  const session = () => manager.require().project;
  const cache = new Map<RetrieverId, CachedRetriever>();

  // Cheap change detector for the passages table: count, highest id and total text length. Imports
  // and deletions always change it; an in-place edit that keeps the total length would not be
  // noticed, but the app never rewrites passage text in place (re-import replaces passages).
  const passagesKey = () => {
    const row = session().db.prepare('SELECT count(*) AS n, coalesce(max(id), 0) AS maxId, total(length(text)) AS chars FROM passages').get() as { n: number; maxId: number; chars: number };
    return `${row.n}:${row.maxId}:${row.chars}`;
  };

  // BM25 is kept up to date incrementally: analysing 100k passages takes tens of seconds, a
  // diff by text fingerprint well under one.
  let bm25: { projectDir: string; key: string; index: Bm25Index; fingerprints: Map<number, string> } | null = null;
  const bm25Retriever = (): Retriever => {
    const { dir, db } = session();
    const key = passagesKey();
    if (bm25?.projectDir !== dir) bm25 = { projectDir: dir, key: '', index: new Bm25Index(), fingerprints: new Map() };
    if (bm25.key !== key) {
      const current = currentPassageFingerprints(db);
      const changes = diffPassages(Object.fromEntries(bm25.fingerprints), current);
      for (const id of changes.removed) bm25.index.remove(String(id));
      const row = db.prepare('SELECT title, text FROM passages WHERE id = ?');
      for (const id of [...changes.added, ...changes.changed]) {
        const passage = row.get(id) as { title: string | null; text: string };
        bm25.index.add(String(id), passageEmbeddingText(passage));
      }
      bm25.fingerprints = current;
      bm25.key = key;
    }
    const index = bm25.index;
    return { name: 'BM25', search: (query, k) => index.search(query, k) };
  };

  const retrieverFor = async (id: RetrieverId): Promise<Retriever> => {
    if (id === 'bm25') return bm25Retriever();
    const { dir, db } = session();
    // Changed prefixes change how queries are embedded: a new key reloads the encoder.
    const key = `${readManifest(dir, id)?.updatedAt ?? 'none'}|${JSON.stringify(projectModelPrefixes(db, id))}`;
    // Another project was opened since: let go of everything loaded for the previous one.
    for (const [cachedId, entry] of cache) {
      if (entry.projectDir === dir) continue;
      await entry.dense.release();
      cache.delete(cachedId);
    }
    const cached = cache.get(id);
    if (cached && cached.key === key && cached.projectDir === dir) return cached.dense;
    await cached?.dense.release();
    cache.delete(id);
    const dense = await projectDenseRetriever(dir, db, id);
    cache.set(id, { key, projectDir: dir, dense });
    return dense;
  };

  return {
    indexes: async () => {
      const { dir, db } = session();
      const models = db.prepare("SELECT id, name, path FROM models WHERE role = 'encoder' ORDER BY id").all() as Array<{ id: number; name: string; path: string }>;
      const current = currentPassageFingerprints(db);
      const out: IndexInfo[] = [];
      for (const model of models) {
        const manifest = readManifest(dir, model.id);
        let hash = manifest?.modelHash ?? '';
        try {
          if (manifest) hash = await projectModelHash(db, model);
        } catch {
          hash = 'missing'; // the model folder is gone: its index can no longer be refreshed
        }
        const status = indexStatus(manifest, model.id, hash, current);
        out.push({
          modelId: model.id,
          modelName: model.name,
          exists: status.exists,
          stale: status.stale,
          modelChanged: status.modelChanged,
          reasons: status.reasons,
          passages: manifest ? Object.keys(manifest.passages).length : 0,
          params: manifest?.params ?? null,
          builtAt: manifest?.builtAt ?? null,
          updatedAt: manifest?.updatedAt ?? null,
        });
      }
      return out;
    },
    buildIndex: async (params) => manager.require().runner.start(INDEX_BUILD_KIND, indexBuildParamsSchema.parse(params)),
    buildMap: async (params) => manager.require().runner.start(MAP_BUILD_KIND, mapBuildParamsSchema.parse(params)),
    embeddingMap: async ({ modelId }) => readEmbeddingMap(session().dir, modelId),
    evaluate: async (params) => manager.require().runner.start(EVAL_RUN_KIND, evalRunParamsSchema.parse(params)),
    query: async ({ retriever: id, query, k }) => {
      const retriever = await retrieverFor(id);
      const started = performance.now();
      const found = query.trim() ? await retriever.search(query, k) : [];
      const milliseconds = performance.now() - started;
      const passage = session().db.prepare(
        'SELECT p.document_id, p.title, p.text, d.title AS document_title, d.source_path FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id = ?',
      );
      const hits: SearchHit[] = [];
      for (const hit of found) {
        const row = passage.get(Number(hit.id)) as { document_id: number; title: string | null; text: string; document_title: string | null; source_path: string | null } | undefined;
        if (!row) continue; // deleted since the index was built
        hits.push({
          rank: hits.length + 1,
          passageId: Number(hit.id),
          score: hit.score,
          documentId: row.document_id,
          documentTitle: row.document_title,
          sourcePath: row.source_path,
          title: row.title,
          text: row.text,
        });
      }
      return { retriever: retriever.name, hits, milliseconds };
    },
    evalRuns: async ({ limit }) => {
      const rows = session().db.prepare("SELECT id, job_id, name, model_id, created_at, config, summary FROM runs WHERE kind = 'eval' ORDER BY id DESC LIMIT ?").all(limit) as Array<{
        id: number;
        job_id: number | null;
        name: string | null;
        model_id: number | null;
        created_at: string;
        config: string;
        summary: string | null;
      }>;
      return rows.map((r) => ({ runId: r.id, jobId: r.job_id, name: r.name, modelId: r.model_id, createdAt: r.created_at, config: JSON.parse(r.config), summary: r.summary ? JSON.parse(r.summary) : null }));
    },
  };
}
