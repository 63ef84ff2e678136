// Builds or updates the HNSW index of one model version from the project's passages.
// - No index, a changed model, or `rebuild`: embed every passage into a fresh graph.
// - Otherwise: embed only added and edited passages, mark removed ones deleted (no rebuild).
// During a long full build the partial index is saved every `saveEverySeconds`; its manifest
// lists only the passages embedded so far, so after a cancel or crash the next run sees "N
// passages added" and continues incrementally instead of starting over.
import type Database from 'better-sqlite3';
import { HnswIndex, type HnswParams } from './hnsw.js';
import {
  currentPassageFingerprints,
  indexStatus,
  loadIndex,
  passageEmbeddingText,
  readManifest,
  saveIndex,
  type IndexManifest,
} from './index-store.js';

export interface BuildIndexOptions {
  projectDir: string;
  db: Database.Database;
  modelId: number;
  modelPath: string;
  modelHash: string;
  /** One vector per text, in order (the model's pooling and normalisation applied). */
  embed(texts: string[]): Promise<Float32Array[]>;
  params?: Partial<HnswParams>;
  rebuild?: boolean;
  batchSize?: number;
  saveEverySeconds?: number;
  signal?: AbortSignal;
  progress?(update: { done: number; total: number; message?: string }): void;
  log?(message: string): void;
}

export interface IndexBuildReport {
  modelId: number;
  mode: 'full' | 'incremental' | 'unchanged';
  passages: number;
  embedded: number;
  removed: number;
  dim: number;
  seconds: number;
  /** Embedding + insertion throughput over the passages embedded in this run. */
  passagesPerSecond: number;
}

export class IndexBuildCancelledError extends Error {
  override name = 'IndexBuildCancelledError';
}

const nowIso = () => new Date().toISOString();

export async function buildOrUpdateIndex(opts: BuildIndexOptions): Promise<IndexBuildReport> {
  const started = performance.now();
  const batchSize = opts.batchSize ?? 64;
  const current = currentPassageFingerprints(opts.db);
  const status = indexStatus(readManifest(opts.projectDir, opts.modelId), opts.modelId, opts.modelHash, current);
  const full = opts.rebuild === true || !status.exists || status.modelChanged;
  const finish = (mode: IndexBuildReport['mode'], passages: number, embedded: number, removed: number, dim: number): IndexBuildReport => {
    const seconds = (performance.now() - started) / 1000;
    return { modelId: opts.modelId, mode, passages, embedded, removed, dim, seconds, passagesPerSecond: seconds > 0 ? embedded / seconds : 0 };
  };
  if (!full && !status.stale) return finish('unchanged', current.size, 0, 0, status.manifest!.dim);

  let index: HnswIndex | null = null;
  let manifest: Omit<IndexManifest, 'graphFile'>;
  let removed = 0;
  if (full) {
    opts.log?.(status.exists ? `full rebuild: ${status.reasons.join('; ') || 'requested'}` : 'building a new index');
    manifest = { version: 1, modelId: opts.modelId, modelPath: opts.modelPath, modelHash: opts.modelHash, dim: 0, params: { ...opts.params } as HnswParams, passages: {}, builtAt: nowIso(), updatedAt: nowIso() };
  } else {
    const loaded = loadIndex(opts.projectDir, opts.modelId);
    index = loaded.index;
    manifest = { ...loaded.manifest, passages: { ...loaded.manifest.passages } };
    if (opts.params?.ef !== undefined) index.setEf(opts.params.ef);
    const { added, removed: gone, changed } = status.changes;
    opts.log?.(`incremental update: ${added.length} added, ${changed.length} edited, ${gone.length} removed`);
    removed = index.remove(gone);
    for (const id of gone) delete manifest.passages[id];
  }

  const toEmbed = full ? [...current.keys()] : [...status.changes.added, ...status.changes.changed].sort((a, b) => a - b);
  const selectPassage = opts.db.prepare('SELECT id, title, text FROM passages WHERE id = ?');
  let embedded = 0;
  let lastSave = performance.now();
  for (let start = 0; start < toEmbed.length; start += batchSize) {
    if (opts.signal?.aborted) {
      if (index && full) saveIndex(opts.projectDir, { ...manifest, updatedAt: nowIso() }, index);
      throw new IndexBuildCancelledError(`index build for model ${opts.modelId} cancelled after ${embedded} of ${toEmbed.length} passages`);
    }
    const ids = toEmbed.slice(start, start + batchSize);
    const rows = ids.map((id) => selectPassage.get(id) as { id: number; title: string | null; text: string });
    const vectors = await opts.embed(rows.map(passageEmbeddingText));
    const dim = vectors[0].length;
    index ??= HnswIndex.create(dim, opts.params, toEmbed.length);
    manifest.dim = index.dim;
    const batch = new Float32Array(ids.length * dim); // [batch, dim]
    vectors.forEach((vector, row) => batch.set(vector, row * dim));
    index.add(ids, batch);
    for (const id of ids) manifest.passages[id] = current.get(id)!;
    embedded += ids.length;
    opts.progress?.({ done: embedded, total: toEmbed.length, message: `${embedded} / ${toEmbed.length} passages` });
    if (full && (performance.now() - lastSave) / 1000 >= (opts.saveEverySeconds ?? 60)) {
      saveIndex(opts.projectDir, { ...manifest, updatedAt: nowIso() }, index);
      lastSave = performance.now();
    }
  }

  // Only a full build of a project without passages gets here without an index: nothing to save.
  if (!index) return finish('full', 0, 0, 0, 0);
  if (!full && index.deletedSlots > index.size / 4) {
    opts.log?.(`compacting: ${index.deletedSlots} deleted slots for ${index.size} live points`);
    index = index.compacted();
  }
  saveIndex(opts.projectDir, { ...manifest, updatedAt: nowIso() }, index);
  return finish(full ? 'full' : 'incremental', index.size, embedded, removed, index.dim);
}
