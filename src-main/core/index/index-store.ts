// HNSW indexes saved in the project, one per model version: <project>/indexes/model-<id>/
//   graph-<n>.hnsw  the hnswlib graph and vectors (a new file per save)
//   manifest.json   which graph file is current, which model (id, path, content hash) and which passages (id → text
//                   fingerprint) it holds, its parameters and when it was built/updated
// The manifest is what makes an index checkable: if the model's files changed, the index is
// stale and must be rebuilt; if passages were added, removed or edited, it is stale but can be
// brought up to date incrementally (embed only those passages). Files are written to a temporary
// name and renamed, so a crash never leaves a manifest that disagrees with its graph.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type Database from 'better-sqlite3';
import { HnswIndex, type HnswParams } from './hnsw.js';

export const INDEX_MANIFEST_VERSION = 1;

export interface IndexManifest {
  version: typeof INDEX_MANIFEST_VERSION;
  modelId: number;
  /** File name of the current graph inside the index folder. */
  graphFile: string;
  modelPath: string;
  /** sha256 over the model folder's files (names and contents). */
  modelHash: string;
  dim: number;
  params: HnswParams;
  /** passage id → fingerprint of the text that was embedded. */
  passages: Record<string, string>;
  builtAt: string;
  updatedAt: string;
}

export interface PassageChanges {
  added: number[];
  removed: number[];
  /** Indexed, but their text changed since. */
  changed: number[];
}

export interface IndexStatus {
  modelId: number;
  exists: boolean;
  stale: boolean;
  /** The model's files changed: only a full rebuild helps. */
  modelChanged: boolean;
  changes: PassageChanges;
  /** Human-readable reasons it is stale (empty when fresh). */
  reasons: string[];
  manifest: IndexManifest | null;
}

export class IndexStoreError extends Error {
  override name = 'IndexStoreError';
}

export function indexDir(projectDir: string, modelId: number): string {
  return join(projectDir, 'indexes', `model-${modelId}`);
}
const manifestPath = (dir: string) => join(dir, 'manifest.json');

/** Text an encoder embeds for a passage (title first when there is one). */
export function passageEmbeddingText(passage: { title: string | null; text: string }): string {
  return passage.title ? `${passage.title}\n${passage.text}` : passage.text;
}

export function textFingerprint(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/** Fingerprints of every passage in the project, by id. */
export function currentPassageFingerprints(db: Database.Database): Map<number, string> {
  const rows = db.prepare('SELECT id, title, text FROM passages ORDER BY id').iterate() as Iterable<{ id: number; title: string | null; text: string }>;
  const out = new Map<number, string>();
  for (const row of rows) out.set(row.id, textFingerprint(passageEmbeddingText(row)));
  return out;
}

function modelFolderFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new IndexStoreError(`model folder ${dir} does not exist`);
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(dir);
  return files.sort();
}

// Hashing a ~100 MB model folder takes about a second; the index status is asked for often,
// so a hash is reused while every file keeps its size and modification time.
const hashCache = new Map<string, { signature: string; hash: string }>();

/** sha256 over the relative paths and contents of every file in a model folder (dot-files skipped). */
export async function modelFolderHash(dir: string): Promise<string> {
  const files = modelFolderFiles(dir);
  const signature = files.map((file) => {
    const stat = statSync(file);
    return `${file}:${stat.size}:${stat.mtimeMs}`;
  }).join('|');
  const cached = hashCache.get(dir);
  if (cached?.signature === signature) return cached.hash;
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${relative(dir, file)}\0${statSync(file).size}\0`);
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  }
  const digest = hash.digest('hex');
  hashCache.set(dir, { signature, hash: digest });
  return digest;
}

export function readManifest(projectDir: string, modelId: number): IndexManifest | null {
  const path = manifestPath(indexDir(projectDir, modelId));
  if (!existsSync(path)) return null;
  let manifest: IndexManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as IndexManifest;
  } catch (error) {
    throw new IndexStoreError(`index manifest ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (manifest.version !== INDEX_MANIFEST_VERSION) throw new IndexStoreError(`index manifest ${path} has unsupported version ${String(manifest.version)}`);
  return manifest;
}

export function diffPassages(indexed: Record<string, string>, current: Map<number, string>): PassageChanges {
  const changes: PassageChanges = { added: [], removed: [], changed: [] };
  for (const [id, fingerprint] of current) {
    const old = indexed[id];
    if (old === undefined) changes.added.push(id);
    else if (old !== fingerprint) changes.changed.push(id);
  }
  for (const id of Object.keys(indexed)) if (!current.has(Number(id))) changes.removed.push(Number(id));
  return changes;
}

export function indexStatus(manifest: IndexManifest | null, modelId: number, modelHash: string, current: Map<number, string>): IndexStatus {
  if (!manifest) {
    return { modelId, exists: false, stale: true, modelChanged: false, changes: { added: [...current.keys()], removed: [], changed: [] }, reasons: ['no index built yet'], manifest };
  }
  const modelChanged = manifest.modelHash !== modelHash;
  const changes = diffPassages(manifest.passages, current);
  const reasons: string[] = [];
  if (modelChanged) reasons.push('the model files changed since the index was built');
  if (changes.added.length) reasons.push(`${changes.added.length} passages added`);
  if (changes.removed.length) reasons.push(`${changes.removed.length} passages removed`);
  if (changes.changed.length) reasons.push(`${changes.changed.length} passages edited`);
  return { modelId, exists: true, stale: reasons.length > 0, modelChanged, changes, reasons, manifest };
}

export function loadIndex(projectDir: string, modelId: number): { index: HnswIndex; manifest: IndexManifest } {
  const manifest = readManifest(projectDir, modelId);
  if (!manifest) throw new IndexStoreError(`no index for model ${modelId} in ${projectDir} (build it first)`);
  const dir = indexDir(projectDir, modelId);
  const index = HnswIndex.load(join(dir, manifest.graphFile), manifest.dim, manifest.params, Object.keys(manifest.passages).map(Number));
  return { index, manifest };
}

/** Saves the graph under a new file name, then commits by renaming the manifest over the old one. */
export function saveIndex(projectDir: string, manifest: Omit<IndexManifest, 'graphFile'>, index: HnswIndex): IndexManifest {
  const dir = indexDir(projectDir, manifest.modelId);
  mkdirSync(dir, { recursive: true });
  const indexed = new Set(index.ids());
  const listed = Object.keys(manifest.passages);
  if (listed.length !== indexed.size || listed.some((id) => !indexed.has(Number(id)))) {
    throw new IndexStoreError(`saveIndex: manifest lists ${listed.length} passages but the graph holds ${indexed.size} different ones`);
  }
  const previous = readdirSync(dir).filter((name) => /^graph-\d+\.hnsw$/.test(name));
  const serial = Math.max(0, ...previous.map((name) => Number(/\d+/.exec(name)![0]))) + 1;
  const graphFile = `graph-${serial}.hnsw`;
  index.save(join(dir, graphFile));
  const saved: IndexManifest = { ...manifest, graphFile, params: { ...index.params } };
  const tmpManifest = `${manifestPath(dir)}.tmp`;
  writeFileSync(tmpManifest, JSON.stringify(saved));
  renameSync(tmpManifest, manifestPath(dir));
  for (const name of previous) rmSync(join(dir, name), { force: true });
  return saved;
}

export function deleteIndex(projectDir: string, modelId: number): void {
  rmSync(indexDir(projectDir, modelId), { recursive: true, force: true });
}

/** Model ids that have a saved index in the project. */
export function listIndexedModels(projectDir: string): number[] {
  const root = join(projectDir, 'indexes');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => /^model-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(manifestPath(join(root, m[0]))))
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}
