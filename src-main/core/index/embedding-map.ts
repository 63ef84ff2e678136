// A 2D map of a model version's embedding space: UMAP (umap-js) over an even sample of the
// passages in its index (vectors read back from the index, no re-embedding) and the queries of
// those passages (embedded here), saved as <project>/indexes/model-<id>/map.json.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { UMAP } from 'umap-js';
import type { EmbeddingMap, EmbeddingMapPoint, MapBuildParams } from '../../../shared/services/search.js';
import { normalized } from './exact.js';
import { indexDir, loadIndex } from './index-store.js';
import { seededRandom } from './synthetic-vectors.js';

const SNIPPET_CHARS = 200;

export interface MapHooks {
  /** Embeds query texts with the index's model (one vector per text). */
  embed(texts: string[]): Promise<Float32Array[]>;
  signal?: AbortSignal;
  progress?(update: { done: number; total: number; message: string }): void;
}

export class EmbeddingMapCancelledError extends Error {
  override name = 'EmbeddingMapCancelledError';
}

const mapPath = (projectDir: string, modelId: number) => join(indexDir(projectDir, modelId), 'map.json');

export function readEmbeddingMap(projectDir: string, modelId: number): EmbeddingMap | null {
  const path = mapPath(projectDir, modelId);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as EmbeddingMap) : null;
}

/** Every `stride`-th id so the sample spreads over the whole corpus. */
function evenSample(ids: number[], max: number): number[] {
  if (ids.length <= max) return ids;
  const stride = ids.length / max;
  return Array.from({ length: max }, (_, i) => ids[Math.floor(i * stride)]);
}

export async function buildEmbeddingMap(projectDir: string, db: Database.Database, params: MapBuildParams, hooks: MapHooks): Promise<EmbeddingMap> {
  const { index } = loadIndex(projectDir, params.modelId);
  const passageIds = evenSample(index.ids().sort((a, b) => a - b), params.maxPassages);
  const passageRow = db.prepare('SELECT document_id, text FROM passages WHERE id = ?');
  const points: Omit<EmbeddingMapPoint, 'x' | 'y'>[] = [];
  const vectors: number[][] = []; // [points, dim], unit length
  for (const id of passageIds) {
    const row = passageRow.get(id) as { document_id: number; text: string } | undefined;
    if (!row) continue; // deleted since the index was built
    points.push({ kind: 'passage', id, passageId: id, documentId: row.document_id, status: null, snippet: row.text.slice(0, SNIPPET_CHARS) });
    vectors.push(Array.from(index.vectorOf(id)));
  }
  if (params.includeQueries) {
    const queryRows = db.prepare("SELECT q.id, q.passage_id, q.text, q.status, p.document_id FROM queries q JOIN passages p ON p.id = q.passage_id WHERE q.passage_id = ? AND q.status != 'rejected'");
    const queries = points.flatMap((p) => queryRows.all(p.passageId) as Array<{ id: number; passage_id: number; text: string; status: EmbeddingMapPoint['status']; document_id: number }>);
    const batch = 256;
    for (let start = 0; start < queries.length; start += batch) {
      if (hooks.signal?.aborted) throw new EmbeddingMapCancelledError('embedding map cancelled while embedding queries');
      const slice = queries.slice(start, start + batch);
      const embedded = await hooks.embed(slice.map((q) => q.text));
      slice.forEach((q, i) => {
        points.push({ kind: 'query', id: q.id, passageId: q.passage_id, documentId: q.document_id, status: q.status, snippet: q.text.slice(0, SNIPPET_CHARS) });
        vectors.push(Array.from(normalized(embedded[i])));
      });
      hooks.progress?.({ done: start + slice.length, total: queries.length, message: 'embedding queries' });
    }
  }

  let coordinates: number[][] = vectors.map(() => [0, 0]);
  if (vectors.length >= 3) {
    const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(params.nNeighbors, vectors.length - 1), minDist: params.minDist, random: seededRandom(params.seed) });
    const epochs = umap.initializeFit(vectors);
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (hooks.signal?.aborted) throw new EmbeddingMapCancelledError(`embedding map cancelled at UMAP epoch ${epoch} of ${epochs}`);
      umap.step();
      if (epoch % 10 === 0 || epoch === epochs - 1) hooks.progress?.({ done: epoch + 1, total: epochs, message: 'UMAP epochs' });
    }
    coordinates = umap.getEmbedding();
  }
  const map: EmbeddingMap = {
    modelId: params.modelId,
    builtAt: new Date().toISOString(),
    indexedPassages: index.size,
    points: points.map((p, i) => ({ ...p, x: coordinates[i][0], y: coordinates[i][1] })),
  };
  const path = mapPath(projectDir, params.modelId);
  writeFileSync(`${path}.tmp`, JSON.stringify(map));
  renameSync(`${path}.tmp`, path);
  return map;
}
