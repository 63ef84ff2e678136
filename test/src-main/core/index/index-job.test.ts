// 'index.build' through the job runner (worker thread) with the tiny BERT fixture: a full build,
// an incremental update after passages change, and the recorded run.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Embedder } from '../../../../src-main/core/models/embedder.js';
import { loadIndex, readManifest } from '../../../../src-main/core/index/index-store.js';
import type { IndexBuildReport } from '../../../../src-main/core/index/index-builder.js';
import { servicesOnNewProject, type TestServices } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tinyBert = fileURLToPath(new URL('../../../fixtures/tiny-bert', import.meta.url));
const tempDir = useTempDirs('genq-index-job-');
let s: TestServices;
beforeAll(async () => {
  s = await servicesOnNewProject(tempDir());
});
afterAll(() => s.dispose());

const texts = [
  'The whale surfaced near the ship at dawn.',
  'Congress passed the budget after a long debate.',
  'The railroad reached the western territories.',
  'Banks raised interest rates to slow inflation.',
  'Sailors mended the sails during the storm.',
  'The treaty ended the war between the nations.',
];

describe('index.build job', () => {
  test('builds, then updates incrementally, and records runs', async () => {
    const db = s.projects.require().project.db;
    const doc = db.prepare("INSERT INTO documents (text) VALUES ('d')").run().lastInsertRowid;
    const insert = db.prepare('INSERT INTO passages (document_id, ordinal, text) VALUES (?, ?, ?)');
    texts.forEach((t, i) => insert.run(doc, i, t));
    const model = await s.impl.models.add({ dir: tinyBert });

    const first = await s.finished((await s.impl.jobs.start({ kind: 'index.build', params: { modelId: model.id, M: 8, efConstruction: 40 } })).id);
    expect(first.error).toBeNull();
    expect(first.state).toBe('done');
    expect(first.result as IndexBuildReport).toMatchObject({ mode: 'full', passages: 6, embedded: 6 });
    expect(s.updatesOf(first.id).some((u) => u.progress.unit === 'passages' && u.progress.done === 6)).toBe(true);

    const added = Number(insert.run(doc, 6, 'A lighthouse keeper watched the harbor.').lastInsertRowid);
    db.prepare('DELETE FROM passages WHERE id = 2').run();
    const second = await s.finished((await s.impl.jobs.start({ kind: 'index.build', params: { modelId: model.id } })).id);
    expect(second.result as IndexBuildReport).toMatchObject({ mode: 'incremental', passages: 6, embedded: 1, removed: 1 });

    const manifest = readManifest(s.dir, model.id)!;
    expect(Object.keys(manifest.passages).map(Number).sort((a, b) => a - b)).toEqual([1, 3, 4, 5, 6, added]);
    expect(manifest.params).toEqual({ M: 8, efConstruction: 40, ef: 100 }); // unset ef keeps its default
    const { index } = loadIndex(s.dir, model.id);
    const embedder = await Embedder.load(tinyBert);
    try {
      const [vector] = await embedder.embed(['A lighthouse keeper watched the harbor.']);
      const [best] = index.search(vector, 1);
      expect(best.id).toBe(added);
      expect(best.score).toBeCloseTo(1, 4);
    } finally {
      await embedder.release();
    }
    const runs = db.prepare("SELECT job_id, model_id, summary FROM runs WHERE kind = 'index' ORDER BY id").all() as Array<{ job_id: number; model_id: number; summary: string }>;
    expect(runs.map((r) => [r.job_id, r.model_id, JSON.parse(r.summary).mode])).toEqual([[first.id, model.id, 'full'], [second.id, model.id, 'incremental']]);
  });

  test('fails with a clear error for an unknown model', async () => {
    const job = await s.finished((await s.impl.jobs.start({ kind: 'index.build', params: { modelId: 999 } })).id);
    expect(job.state).toBe('failed');
    expect(job.error).toEqual({ name: 'IndexModelError', message: 'no model with id 999 in this project' });
  });
});
