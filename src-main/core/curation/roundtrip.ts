// Round-trip consistency (Promptagator): search each query over the corpus with an encoder and
// note the rank of the passage it was generated from. A good query finds its own passage at or
// near rank 1. Searches use the model's saved HNSW index when it is up to date with the model and
// the passages, else exact search over freshly embedded passages.
import type Database from 'better-sqlite3';
import { ExactIndex, type Neighbor } from '../index/exact.js';
import { currentPassageFingerprints, indexStatus, loadIndex, passageEmbeddingText, readManifest } from '../index/index-store.js';
import type { Embedder } from '../models/embedder.js';
import { loadProjectEncoder, projectModelHash } from '../models/project-encoder.js';
import type { ProviderChoice } from '../models/session.js';

export class RoundtripError extends Error {
  override name = 'RoundtripError';
}

export interface PassageSearch {
  /** 'hnsw' (the saved index) or 'exact'. */
  kind: 'hnsw' | 'exact';
  search(vector: Float32Array, k: number): Neighbor[];
}

export interface RoundtripModel {
  id: number;
  name: string;
  path: string;
}

/** The encoder a round trip uses: `modelId`, else the project's base encoder (the first one not derived from another). */
export function roundtripModel(db: Database.Database, modelId?: number): RoundtripModel {
  const row = (
    modelId !== undefined
      ? db.prepare('SELECT id, name, path, role FROM models WHERE id = ?').get(modelId)
      : db.prepare("SELECT id, name, path, role FROM models WHERE role = 'encoder' ORDER BY parent_id IS NOT NULL, id LIMIT 1").get()
  ) as (RoundtripModel & { role: string }) | undefined;
  if (!row) throw new RoundtripError(modelId !== undefined ? `no model with id ${modelId} in this project` : 'the project has no encoder model; add one to compute round-trip ranks');
  if (row.role !== 'encoder') throw new RoundtripError(`model ${row.id} (${row.name}) is a ${row.role}, not an encoder`);
  return { id: row.id, name: row.name, path: row.path };
}

/** The saved HNSW index when it is fresh, else an exact index over all passages embedded now. */
export async function passageSearch(
  projectDir: string,
  db: Database.Database,
  model: RoundtripModel,
  embedder: Embedder,
  hooks: { batchSize?: number; signal?: AbortSignal; log?(message: string): void; progress?(done: number, total: number): void } = {},
): Promise<PassageSearch> {
  const manifest = readManifest(projectDir, model.id);
  if (manifest) {
    const status = indexStatus(manifest, model.id, await projectModelHash(db, model), currentPassageFingerprints(db));
    if (!status.stale) {
      const { index } = loadIndex(projectDir, model.id);
      hooks.log?.(`round trip: searching the saved HNSW index of model ${model.id} (${index.size} passages)`);
      return { kind: 'hnsw', search: (v, k) => index.search(v, k) };
    }
    hooks.log?.(`round trip: the HNSW index of model ${model.id} is stale (${status.reasons.join('; ')}); using exact search`);
  }
  const rows = db.prepare('SELECT id, title, text FROM passages ORDER BY id').all() as Array<{ id: number; title: string | null; text: string }>;
  if (rows.length === 0) throw new RoundtripError('the project has no passages to search');
  const vectors = new Float32Array(rows.length * embedder.dimension); // [passages, dim]
  const step = (hooks.batchSize ?? 32) * 8;
  for (let start = 0; start < rows.length; start += step) {
    if (hooks.signal?.aborted) throw new RoundtripError('round trip cancelled while embedding passages');
    const slice = rows.slice(start, start + step);
    const embedded = await embedder.embedPassages(slice.map(passageEmbeddingText), { batchSize: hooks.batchSize });
    embedded.forEach((v, i) => vectors.set(v, (start + i) * embedder.dimension));
    hooks.progress?.(Math.min(start + step, rows.length), rows.length);
  }
  const exact = new ExactIndex(embedder.dimension, rows.map((r) => r.id), vectors);
  return { kind: 'exact', search: (v, k) => exact.search(v, k) };
}

/** 1-based rank of each query's own passage among the top k, or k + 1 when it is not there. */
export async function roundtripRanks(
  embedder: Embedder,
  search: PassageSearch,
  queries: ReadonlyArray<{ passageId: number; text: string }>,
  k: number,
  batchSize = 32,
): Promise<number[]> {
  const vectors = await embedder.embedQueries(
    queries.map((q) => q.text),
    { batchSize },
  );
  return queries.map((q, i) => {
    const rank = search.search(vectors[i], k).findIndex((n) => n.id === q.passageId);
    return rank < 0 ? k + 1 : rank + 1;
  });
}

/** The model's encoder with its project prefixes (queries and passages are prefixed as in search). */
export async function loadRoundtripEmbedder(projectDir: string, db: Database.Database, model: RoundtripModel, opts: { provider?: ProviderChoice } = {}): Promise<Embedder> {
  return loadProjectEncoder(projectDir, db, model, { provider: opts.provider });
}
