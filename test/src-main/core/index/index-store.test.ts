import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject } from '../../../../src-main/core/project/store.js';
import { buildOrUpdateIndex, IndexBuildCancelledError } from '../../../../src-main/core/index/index-builder.js';
import {
  currentPassageFingerprints,
  indexDir,
  indexStatus,
  listIndexedModels,
  loadIndex,
  modelFolderHash,
  readManifest,
  saveIndex,
} from '../../../../src-main/core/index/index-store.js';
import { HnswIndex } from '../../../../src-main/core/index/hnsw.js';

const root = mkdtempSync(join(tmpdir(), 'genq-index-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A deterministic stand-in for an encoder: a bag of hashed character trigrams, 32-d.
const DIM = 32;
function fakeEmbedding(text: string): Float32Array {
  const v = new Float32Array(DIM);
  const t = text.toLowerCase();
  for (let i = 0; i + 3 <= t.length; i++) {
    let h = 0;
    for (let j = i; j < i + 3; j++) h = (h * 31 + t.charCodeAt(j)) >>> 0;
    v[h % DIM] += 1;
  }
  return v;
}
let embedCalls = 0;
const embed = async (texts: string[]) => {
  embedCalls += texts.length;
  return texts.map(fakeEmbedding);
};

function setup(name: string, passages: string[]) {
  const dir = join(root, name);
  const project = createProject(dir, { appVersion: 'test' });
  const db = project.db;
  const doc = db.prepare("INSERT INTO documents (text) VALUES ('doc')").run().lastInsertRowid;
  const insert = db.prepare('INSERT INTO passages (document_id, ordinal, text) VALUES (?, ?, ?)');
  passages.forEach((text, i) => insert.run(doc, i, text));
  const modelDir = join(root, `${name}-model`);
  mkdirSync(join(modelDir, '1_Pooling'), { recursive: true });
  writeFileSync(join(modelDir, 'config.json'), '{"hidden_size": 32}');
  writeFileSync(join(modelDir, '1_Pooling', 'config.json'), '{"pooling_mode_mean_tokens": true}');
  return { dir, db, modelDir, doc };
}

const topics = ['whales and the sea', 'taxes and the budget', 'war and peace treaties', 'railroads across the west', 'banks and currency'];
const passages = Array.from({ length: 60 }, (_, i) => `${topics[i % 5]} passage number ${i} about ${topics[(i * 3) % 5]}`);

describe('index store and builder', () => {
  it('hashes model folders by names and contents', async () => {
    const { modelDir } = setup('hash', []);
    const before = await modelFolderHash(modelDir);
    expect(await modelFolderHash(modelDir)).toBe(before);
    writeFileSync(join(modelDir, '1_Pooling', 'config.json'), '{"pooling_mode_cls_token": true}');
    expect(await modelFolderHash(modelDir)).not.toBe(before);
    await expect(modelFolderHash(join(root, 'missing'))).rejects.toThrow(/does not exist/);
  });

  it('builds, saves with a manifest, detects staleness, and updates incrementally', async () => {
    const { dir, db, modelDir, doc } = setup('build', passages);
    const modelHash = await modelFolderHash(modelDir);
    const base = { projectDir: dir, db, modelId: 7, modelPath: modelDir, modelHash, embed, batchSize: 16, params: { M: 8, efConstruction: 64, ef: 50 } };
    embedCalls = 0;
    const first = await buildOrUpdateIndex(base);
    expect(first).toMatchObject({ mode: 'full', passages: 60, embedded: 60, removed: 0, dim: DIM });
    expect(embedCalls).toBe(60);
    expect(listIndexedModels(dir)).toEqual([7]);
    const manifest = readManifest(dir, 7)!;
    expect(manifest).toMatchObject({ modelId: 7, modelHash, dim: DIM, params: { M: 8, efConstruction: 64, ef: 50 } });
    expect(Object.keys(manifest.passages)).toHaveLength(60);

    // Fresh: nothing to do.
    expect(indexStatus(manifest, 7, modelHash, currentPassageFingerprints(db)).stale).toBe(false);
    expect((await buildOrUpdateIndex(base)).mode).toBe('unchanged');

    // Add one, edit one, delete two → stale with exactly those changes.
    const added = Number(db.prepare('INSERT INTO passages (document_id, ordinal, text) VALUES (?, 99, ?)').run(doc, 'a brand new passage on lighthouses').lastInsertRowid);
    db.prepare('UPDATE passages SET text = ? WHERE id = 5').run('rewritten passage about volcanoes');
    db.prepare('DELETE FROM passages WHERE id IN (10, 11)').run();
    const status = indexStatus(readManifest(dir, 7), 7, modelHash, currentPassageFingerprints(db));
    expect(status.stale).toBe(true);
    expect(status.modelChanged).toBe(false);
    expect(status.changes).toEqual({ added: [added], changed: [5], removed: [10, 11] });
    expect(status.reasons).toEqual(['1 passages added', '2 passages removed', '1 passages edited']);

    embedCalls = 0;
    const update = await buildOrUpdateIndex(base);
    expect(update).toMatchObject({ mode: 'incremental', passages: 59, embedded: 2, removed: 2 });
    expect(embedCalls).toBe(2);
    const { index } = loadIndex(dir, 7);
    expect(index.size).toBe(59);
    expect(index.search(fakeEmbedding('a brand new passage on lighthouses'), 1)[0].id).toBe(added);
    expect(index.search(fakeEmbedding('rewritten passage about volcanoes'), 1)[0].id).toBe(5);
    const hits = index.search(fakeEmbedding(passages[10]), 59).map((n) => n.id);
    expect(hits).not.toContain(10);
    expect(hits).not.toContain(11);
    // One graph file remains after several saves.
    expect(readdirSync(indexDir(dir, 7)).filter((f) => f.endsWith('.hnsw'))).toHaveLength(1);

    // A changed model makes the index stale beyond repair: the next build is a full one.
    writeFileSync(join(modelDir, 'config.json'), '{"hidden_size": 33}');
    const newHash = await modelFolderHash(modelDir);
    const afterModelChange = indexStatus(readManifest(dir, 7), 7, newHash, currentPassageFingerprints(db));
    expect(afterModelChange).toMatchObject({ stale: true, modelChanged: true });
    expect(afterModelChange.reasons[0]).toMatch(/model files changed/);
    expect((await buildOrUpdateIndex({ ...base, modelHash: newHash })).mode).toBe('full');
  });

  it('keeps what a cancelled full build embedded, and the next run continues incrementally', async () => {
    const { dir, db, modelDir } = setup('cancel', passages);
    const modelHash = await modelFolderHash(modelDir);
    const controller = new AbortController();
    const base = { projectDir: dir, db, modelId: 1, modelPath: modelDir, modelHash, batchSize: 10 };
    let batches = 0;
    const cancellingEmbed = async (texts: string[]) => {
      if (++batches === 3) controller.abort();
      return texts.map(fakeEmbedding);
    };
    await expect(buildOrUpdateIndex({ ...base, embed: cancellingEmbed, signal: controller.signal })).rejects.toThrow(IndexBuildCancelledError);
    expect(Object.keys(readManifest(dir, 1)!.passages)).toHaveLength(30);
    embedCalls = 0;
    const resumed = await buildOrUpdateIndex({ ...base, embed });
    expect(resumed).toMatchObject({ mode: 'incremental', embedded: 30, passages: 60 });
    expect(embedCalls).toBe(30);
  });

  it('refuses to save a manifest that disagrees with its graph', () => {
    const index = HnswIndex.create(4);
    index.add([1, 2], new Float32Array([1, 0, 0, 0, 0, 1, 0, 0]));
    const manifest = { version: 1 as const, modelId: 3, modelPath: '/m', modelHash: 'h', dim: 4, params: index.params, passages: { '1': 'a' }, builtAt: '', updatedAt: '' };
    expect(() => saveIndex(join(root, 'mismatch'), manifest, index)).toThrow(/lists 1 passages but the graph holds 2/);
    expect(() => loadIndex(join(root, 'mismatch'), 3)).toThrow(/no index for model 3/);
  });
});
