// The retrievers hard negatives are mined with, over the passages a negative may come from: the
// training split, duplicates left out (an eval passage must not leak into training). BM25 is built
// in memory over those passages; a project encoder searches its saved HNSW index when the index is
// fresh for the model, its prefixes and the passages (asking for more than k and keeping the eligible ones),
// else exact search over the eligible passages embedded now (as the round-trip signal does).
import type Database from 'better-sqlite3';
import type { MiningRetriever } from '../../../shared/services/mining.js';
import { Bm25Index } from '../index/bm25.js';
import { ExactIndex } from '../index/exact.js';
import { currentPassageFingerprints, indexStatus, loadIndex, passageEmbeddingText, readManifest } from '../index/index-store.js';
import { loadProjectEncoder, projectModelHash } from '../models/project-encoder.js';
import { projectModelOfRole } from '../models/project-model.js';
import { deviceMemoryNote } from '../models/device-memory.js';
import { describeDevice, type ProviderChoice } from '../models/session.js';

export class MiningRetrieverError extends Error {
  override name = 'MiningRetrieverError';
}

export interface MiningRetrieverHandle {
  name: string;
  kind: 'bm25' | 'dense';
  /** Per query, up to k eligible passage ids, best first. */
  search(queries: readonly string[], k: number): Promise<number[][]>;
  release(): Promise<void>;
  /** Dense retrievers: the execution provider running the encoder and why preferred ones were not used. */
  device?: { provider: string; fallbackReasons: string[] };
}

export interface RetrieverHooks {
  batchSize?: number;
  threads?: number;
  provider?: ProviderChoice;
  signal?: AbortSignal;
  log?(message: string): void;
  progress?(done: number, total: number, message: string): void;
}

/** Passages a negative may be: training split, not marked duplicate. */
export const ELIGIBLE_PASSAGES = "split = 'train' AND duplicate_of IS NULL";

function eligiblePassages(db: Database.Database): Array<{ id: number; title: string | null; text: string }> {
  return db.prepare(`SELECT id, title, text FROM passages WHERE ${ELIGIBLE_PASSAGES} ORDER BY id`).all() as Array<{ id: number; title: string | null; text: string }>;
}

export function bm25MiningRetriever(db: Database.Database): MiningRetrieverHandle {
  const index = new Bm25Index();
  for (const p of eligiblePassages(db)) index.add(String(p.id), passageEmbeddingText(p));
  return {
    name: 'bm25',
    kind: 'bm25',
    search: async (queries, k) => queries.map((q) => index.search(q, k).map((d) => Number(d.id))),
    release: async () => {},
  };
}

export function encoderRow(db: Database.Database, modelId: number): { id: number; name: string; path: string } {
  return projectModelOfRole(db, modelId, 'encoder', MiningRetrieverError, '; a dense retriever needs an encoder');
}

export async function denseMiningRetriever(projectDir: string, db: Database.Database, modelId: number, hooks: RetrieverHooks = {}): Promise<MiningRetrieverHandle> {
  const model = encoderRow(db, modelId);
  const name = `${model.name} (model ${model.id})`;
  const embedder = await loadProjectEncoder(projectDir, db, model, { threads: hooks.threads, provider: hooks.provider }); // with the project's query/passage prefixes
  hooks.log?.(`${name}: encoder on ${describeDevice(embedder.device)}${await deviceMemoryNote(embedder.device.provider)}`);
  const batchSize = hooks.batchSize ?? 32;
  try {
    const eligible = eligiblePassages(db);
    const eligibleIds = new Set(eligible.map((p) => p.id));
    let search: (vector: Float32Array, k: number) => number[];
    const manifest = readManifest(projectDir, model.id);
    const status = manifest ? indexStatus(manifest, model.id, await projectModelHash(db, model), currentPassageFingerprints(db)) : null;
    if (status && !status.stale) {
      const { index } = loadIndex(projectDir, model.id);
      hooks.log?.(`${name}: searching its HNSW index (${index.size} passages, ${eligible.length} eligible)`);
      search = (vector, k) => {
        // Eval-split and duplicate passages are in the index too: widen the search until k eligible ones are found.
        for (let want = Math.min(index.size, k * 2); ; want = Math.min(index.size, want * 4)) {
          const ids = index.search(vector, want).map((n) => n.id).filter((id) => eligibleIds.has(id));
          if (ids.length >= k || want >= index.size) return ids.slice(0, k);
        }
      };
    } else {
      hooks.log?.(`${name}: ${status ? `HNSW index stale (${status.reasons.join('; ')})` : 'no HNSW index'}; embedding ${eligible.length} passages for exact search`);
      const vectors = new Float32Array(eligible.length * embedder.dimension); // [passages, dim]
      const step = batchSize * 8;
      for (let start = 0; start < eligible.length; start += step) {
        if (hooks.signal?.aborted) throw new MiningRetrieverError(`embedding passages for ${name} was cancelled`);
        const slice = eligible.slice(start, start + step);
        const embedded = await embedder.embedPassages(slice.map(passageEmbeddingText), { batchSize });
        embedded.forEach((v, i) => vectors.set(v, (start + i) * embedder.dimension));
        hooks.progress?.(start + slice.length, eligible.length, `embedding passages for ${name}`);
      }
      const exact = new ExactIndex(embedder.dimension, eligible.map((p) => p.id), vectors);
      search = (vector, k) => exact.search(vector, k).map((n) => n.id);
    }
    return {
      name,
      kind: 'dense',
      device: embedder.device,
      search: async (queries, k) => {
        const vectors = await embedder.embedQueries(queries, { batchSize }); // [queries][dim]
        return vectors.map((v) => search(v, k));
      },
      release: () => embedder.release(),
    };
  } catch (error) {
    await embedder.release();
    throw error;
  }
}

export async function openMiningRetriever(projectDir: string, db: Database.Database, spec: MiningRetriever, hooks: RetrieverHooks = {}): Promise<MiningRetrieverHandle> {
  return spec.kind === 'bm25' ? bm25MiningRetriever(db) : denseMiningRetriever(projectDir, db, spec.modelId, hooks);
}
