// search.* through the API implementation: index status, builds as jobs, dense and BM25 queries,
// cache refresh after the index or the passages change.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { servicesOnNewProject, type TestServices } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tinyBert = fileURLToPath(new URL('../../../fixtures/tiny-bert', import.meta.url));
const tempDir = useTempDirs('genq-search-svc-');
let s: TestServices;
beforeAll(async () => {
  s = await servicesOnNewProject(tempDir());
});
afterAll(() => s.dispose());

describe('search service', () => {
  test('reports index status, builds through a job, and answers dense and BM25 queries', async () => {
    const db = s.projects.require().project.db;
    const doc = db.prepare("INSERT INTO documents (title, text) VALUES ('Log', 'x')").run().lastInsertRowid;
    const insert = db.prepare('INSERT INTO passages (document_id, ordinal, text) VALUES (?, ?, ?)');
    ['The whale surfaced near the ship.', 'Congress passed the budget.', 'Banks raised interest rates.'].forEach((t, i) => insert.run(doc, i, t));
    const model = await s.impl.models.add({ dir: tinyBert, name: 'tiny' });

    expect(await s.impl.search.indexes({})).toEqual([
      expect.objectContaining({ modelId: model.id, modelName: 'tiny', exists: false, stale: true, passages: 0, reasons: ['no index built yet'] }),
    ]);
    const job = await s.impl.search.buildIndex({ modelId: model.id } as never);
    expect(job.kind).toBe('index.build');
    expect((await s.finished(job.id)).state).toBe('done');
    const [fresh] = await s.impl.search.indexes({});
    expect(fresh).toMatchObject({ exists: true, stale: false, passages: 3, params: { M: 16, efConstruction: 200, ef: 100 } });

    const dense = await s.impl.search.query({ retriever: model.id, query: 'Banks raised interest rates.', k: 2 });
    expect(dense.retriever).toBe('tiny (model 1)');
    expect(dense.hits[0]).toMatchObject({ rank: 1, passageId: 3, documentTitle: 'Log', text: 'Banks raised interest rates.' });
    expect(dense.milliseconds).toBeLessThan(1000);
    const bm25 = await s.impl.search.query({ retriever: 'bm25', query: 'whale', k: 10 });
    expect(bm25.hits.map((h) => h.passageId)).toEqual([1]);
    expect((await s.impl.search.query({ retriever: 'bm25', query: '   ', k: 10 })).hits).toEqual([]);

    // A new passage: BM25 sees it at once, the dense index is stale until rebuilt, then sees it too.
    const added = Number(insert.run(doc, 3, 'A lighthouse keeper watched the harbor.').lastInsertRowid);
    expect((await s.impl.search.query({ retriever: 'bm25', query: 'lighthouse', k: 10 })).hits.map((h) => h.passageId)).toEqual([added]);
    const [stale] = await s.impl.search.indexes({});
    expect(stale).toMatchObject({ stale: true, modelChanged: false, reasons: ['1 passages added'] });
    expect((await s.impl.search.query({ retriever: model.id, query: 'A lighthouse keeper watched the harbor.', k: 1 })).hits[0].passageId).not.toBe(added);
    await s.finished((await s.impl.search.buildIndex({ modelId: model.id } as never)).id);
    expect((await s.impl.search.query({ retriever: model.id, query: 'A lighthouse keeper watched the harbor.', k: 1 })).hits[0].passageId).toBe(added);

    expect(await s.impl.search.evalRuns({ limit: 10 })).toEqual([]);
  });

  test('rejects bad input at the API boundary', async () => {
    const result = await s.dispatch('search', 'query', { retriever: 'tfidf', query: 'x' });
    expect(result).toMatchObject({ ok: false, error: { name: 'ValidationError' } });
  });
});
