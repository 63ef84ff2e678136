// search.* through the API implementation: index status, builds as jobs, dense and BM25 queries,
// cache refresh after the index or the passages change.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EvalReport } from '../../../../src-main/core/eval/run-eval.js';
import { servicesOnNewProject, type TestServices } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tinyBert = fileURLToPath(new URL('../../../fixtures/tiny-bert', import.meta.url));
const beirFixture = fileURLToPath(new URL('../../../fixtures/beir-sotu-mini', import.meta.url));
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
    // Edits and deletions reach BM25 too (it is updated incrementally, not rebuilt).
    db.prepare("UPDATE passages SET text = 'A narwhal surfaced near the old ship.' WHERE id = 1").run();
    expect((await s.impl.search.query({ retriever: 'bm25', query: 'whale narwhal', k: 10 })).hits.map((h) => h.passageId)).toEqual([1]);
    expect((await s.impl.search.query({ retriever: 'bm25', query: 'whale', k: 10 })).hits).toEqual([]);
    db.prepare("UPDATE passages SET text = 'The whale surfaced near the ship.' WHERE id = 1").run();
    const [stale] = await s.impl.search.indexes({});
    expect(stale).toMatchObject({ stale: true, modelChanged: false, reasons: ['1 passages added'] });
    expect((await s.impl.search.query({ retriever: model.id, query: 'A lighthouse keeper watched the harbor.', k: 1 })).hits[0].passageId).not.toBe(added);
    await s.finished((await s.impl.search.buildIndex({ modelId: model.id } as never)).id);
    expect((await s.impl.search.query({ retriever: model.id, query: 'A lighthouse keeper watched the harbor.', k: 1 })).hits[0].passageId).toBe(added);

    expect(await s.impl.search.evalRuns({ limit: 10 })).toEqual([]);

    // Evaluation as a job on a BEIR folder: BM25 vs the model, both recorded as eval runs.
    const evalJob = await s.finished((await s.impl.search.evaluate({ retrievers: ['bm25', model.id], beirDir: beirFixture } as never)).id);
    expect(evalJob.error).toBeNull();
    const report = evalJob.result as EvalReport;
    expect(report.dataset).toMatchObject({ kind: 'beir', queries: 8, corpus: 35 });
    expect(report.results.map((r) => r.retriever)).toEqual(['BM25', 'tiny (model 1)']);
    expect(report.results[1].hnswRecallAt10).toBeGreaterThanOrEqual(0.98);
    expect(s.updatesOf(evalJob.id).some((u) => u.progress.unit === 'queries' && u.progress.total === 16)).toBe(true);
    const runs = await s.impl.search.evalRuns({ limit: 10 });
    expect(runs.map((r) => r.runId).sort()).toEqual(report.results.map((r) => r.runId).sort());
    expect(runs.every((r) => r.jobId === evalJob.id)).toBe(true);
    const points = db.prepare('SELECT series, value FROM metric_points WHERE run_id = ? ORDER BY series').all(report.results[0].runId) as Array<{ series: string; value: number }>;
    expect(points.map((p) => p.series)).toEqual(['map@100', 'mrr@10', 'ndcg@10', 'recall@1', 'recall@10', 'recall@100']);
    expect(points.find((p) => p.series === 'ndcg@10')!.value).toBeCloseTo(report.results[0].metrics['ndcg@10'], 12);

    // The embedding map job: UMAP of the four indexed passages, read back through the service.
    expect(await s.impl.search.embeddingMap({ modelId: model.id })).toBeNull();
    const mapJob = await s.finished((await s.impl.search.buildMap({ modelId: model.id, nNeighbors: 2 } as never)).id);
    expect(mapJob.error).toBeNull();
    expect(mapJob.result).toMatchObject({ modelId: model.id, points: 4, passages: 4 });
    const map = (await s.impl.search.embeddingMap({ modelId: model.id }))!;
    expect(map.points.map((p) => p.passageId).sort()).toEqual([1, 2, 3, added]);

    // Held-out evaluation without held-out queries fails with an explanation.
    const empty = await s.finished((await s.impl.search.evaluate({ retrievers: ['bm25'] } as never)).id);
    expect(empty.state).toBe('failed');
    expect(empty.error).toMatchObject({ name: 'EvalSetupError', message: expect.stringMatching(/no held-out split yet: make a held-out split on Curate/) });
  });

  test('rejects bad input at the API boundary', async () => {
    const result = await s.dispatch('search', 'query', { retriever: 'tfidf', query: 'x' });
    expect(result).toMatchObject({ ok: false, error: { name: 'ValidationError' } });
  });
});
