import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { mapBuildParamsSchema } from '../../../../shared/services/search.js';
import { createProject } from '../../../../src-main/core/project/store.js';
import { buildOrUpdateIndex } from '../../../../src-main/core/index/index-builder.js';
import { buildEmbeddingMap, EmbeddingMapCancelledError, readEmbeddingMap } from '../../../../src-main/core/index/embedding-map.js';

const root = mkdtempSync(join(tmpdir(), 'genq-map-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Stand-in encoder: one-hot-ish topic direction plus a little per-text variation, 16-d.
const TOPICS = ['whale', 'budget', 'railroad'];
function embedOne(text: string): Float32Array {
  const v = new Float32Array(16);
  TOPICS.forEach((topic, t) => {
    if (text.includes(topic)) v[t] = 4;
  });
  for (let i = 0; i < text.length; i++) v[3 + (text.charCodeAt(i) % 13)] += 0.05;
  return v;
}
const embed = async (texts: string[]) => texts.map(embedOne);

async function projectWithIndex() {
  const dir = join(root, `p${Math.random().toString(36).slice(2)}`);
  const { db } = createProject(dir, { appVersion: 'test' });
  const docs = TOPICS.map((t) => Number(db.prepare('INSERT INTO documents (title, text) VALUES (?, ?)').run(t, t).lastInsertRowid));
  for (let i = 0; i < 30; i++) {
    const topic = TOPICS[i % 3];
    const passageId = db.prepare('INSERT INTO passages (document_id, ordinal, text) VALUES (?, ?, ?)').run(docs[i % 3], i, `passage ${i} about the ${topic} and more ${'x'.repeat(i)}`).lastInsertRowid;
    db.prepare("INSERT INTO queries (passage_id, text, origin, status) VALUES (?, ?, 'generated', ?)").run(passageId, `what about the ${topic} ${i}`, i % 5 === 0 ? 'rejected' : 'pending');
  }
  await buildOrUpdateIndex({ projectDir: dir, db, modelId: 1, modelPath: '/m', modelHash: 'h', embed });
  return { dir, db };
}

describe('embedding map', () => {
  it('projects a sample of passages and their non-rejected queries to 2D, deterministically, grouped by topic', async () => {
    const { dir, db } = await projectWithIndex();
    const params = mapBuildParamsSchema.parse({ modelId: 1, maxPassages: 21, nNeighbors: 5 });
    const progress: string[] = [];
    const map = await buildEmbeddingMap(dir, db, params, { embed, progress: (u) => progress.push(u.message) });
    const passages = map.points.filter((p) => p.kind === 'passage');
    const queries = map.points.filter((p) => p.kind === 'query');
    expect(map.indexedPassages).toBe(30);
    expect(passages).toHaveLength(21);
    expect(queries.every((q) => q.status === 'pending' && passages.some((p) => p.passageId === q.passageId))).toBe(true);
    expect(queries.length).toBe(passages.filter((p) => (p.passageId - 1) % 5 !== 0).length);
    expect(map.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
    expect(progress).toContain('UMAP epochs');
    expect(readEmbeddingMap(dir, 1)).toEqual(map);

    // Same topic (document) → closer on the map than different topics.
    const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);
    let same = 0, sameN = 0, other = 0, otherN = 0;
    for (const a of map.points) for (const b of map.points) {
      if (a === b) continue;
      if (a.documentId === b.documentId) (same += dist(a, b)), sameN++;
      else (other += dist(a, b)), otherN++;
    }
    expect(same / sameN).toBeLessThan((other / otherN) / 2);

    const again = await buildEmbeddingMap(dir, db, params, { embed });
    expect(again.points.map((p) => [p.x, p.y])).toEqual(map.points.map((p) => [p.x, p.y]));
  });

  it('stops when cancelled', async () => {
    const { dir, db } = await projectWithIndex();
    const controller = new AbortController();
    const params = mapBuildParamsSchema.parse({ modelId: 1, includeQueries: false, nNeighbors: 5 });
    const run = buildEmbeddingMap(dir, db, params, { embed, signal: controller.signal, progress: () => controller.abort() });
    await expect(run).rejects.toThrow(EmbeddingMapCancelledError);
    expect(readEmbeddingMap(dir, 1)).toBeNull();
  });
});
