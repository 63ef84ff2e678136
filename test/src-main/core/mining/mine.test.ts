// The 'mining.run' job on tiny models: which queries are mined, the positive and copies of it never
// negatives, eval-split and duplicate passages never negatives, margins = CE(q, pos) − CE(q, neg)
// checked against the cross-encoder called directly, retriever flags and ranks, the report, and
// reproducibility for a seed.
import { describe, expect, it } from 'vitest';
import type { MiningReport } from '../../../../shared/services/mining.js';
import { normaliseText } from '../../../../src-main/core/corpus/dedupe.js';
import { CrossEncoder } from '../../../../src-main/core/curation/cross-encoder.js';
import { servicesOnNewProject } from '../../../helpers/services-compiled.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { buildMiningProject, candidatesOf, TINY_CROSS_ENCODER } from './mining-fixture.js';

const tempDir = useTempDirs('genq-mining-');

describe('mining.run', () => {
  it('mines every non-rejected training query once; never the positive, a copy of it, an eval or duplicate passage; margins from the cross-encoder', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const db = s.projects.require().project.db;
      const f = await buildMiningProject(s, db, { passages: 30, queriesPerPassage: 2 });
      // Every candidate kept (N above any pool) so each exclusion is checked on the whole union.
      const job = await s.impl.mining.start({ retrievers: [{ kind: 'bm25' }, { kind: 'model', modelId: f.encoderId }], crossEncoderId: f.crossEncoderId, k: 50, negativesPerQuery: 1000, seed: 5, batchSize: 16, queriesPerBatch: 7 });
      const end = await s.finished(job.id);
      expect(end.state, JSON.stringify(end.error)).toBe('done');
      const report = end.result as MiningReport;

      const expected = db
        .prepare("SELECT q.id FROM queries q JOIN passages p ON p.id = q.passage_id WHERE q.status != 'rejected' AND p.split = 'train' AND p.duplicate_of IS NULL ORDER BY q.id")
        .all()
        .map((r) => (r as { id: number }).id);
      const mined = db.prepare('SELECT query_id, positive_id, ce_positive, pool FROM mining_queries WHERE run_id = ? ORDER BY query_id').all(report.runId) as Array<{ query_id: number; positive_id: number; ce_positive: number; pool: number }>;
      expect(mined.map((m) => m.query_id)).toEqual(expected);
      expect(expected).not.toContain(f.rejected);

      const rows = candidatesOf(db, report.runId);
      expect(report).toMatchObject({ queries: new Set(rows.map((r) => r.query_id)).size, triplets: rows.length, dropped: 0 });
      const passage = new Map((db.prepare('SELECT id, text, split, duplicate_of FROM passages').all() as Array<{ id: number; text: string; split: string; duplicate_of: number | null }>).map((p) => [p.id, p]));
      const query = new Map((db.prepare('SELECT id, text, passage_id FROM queries').all() as Array<{ id: number; text: string; passage_id: number }>).map((q) => [q.id, q]));
      const byQuery = new Map(mined.map((m) => [m.query_id, m]));
      let sawBoth = 0;
      for (const r of rows) {
        const m = byQuery.get(r.query_id)!;
        expect(r.passage_id).not.toBe(m.positive_id);
        expect(normaliseText(passage.get(r.passage_id)!.text)).not.toBe(normaliseText(passage.get(m.positive_id)!.text));
        expect(passage.get(r.passage_id)!.split).toBe('train');
        expect(passage.get(r.passage_id)!.duplicate_of).toBeNull();
        expect(r.margin).toBeCloseTo(m.ce_positive - r.ce_score, 12);
        const ranks = JSON.parse(r.ranks) as Array<number | null>;
        expect(r.found_by).toBe((ranks[0] !== null ? 1 : 0) | (ranks[1] !== null ? 2 : 0));
        if (r.found_by === 3) sawBoth++;
      }
      // Each query's stored negatives are its whole pool (N is above every pool size).
      for (const m of mined) expect(rows.filter((r) => r.query_id === m.query_id).length).toBe(m.pool);
      // The copy of passage 0 is retrieved (it shares every word) but never a negative of passage 0's queries.
      const firstQueries = mined.filter((m) => m.positive_id === f.passages[0]).map((m) => m.query_id);
      expect(firstQueries.length).toBeGreaterThan(0);
      expect(rows.some((r) => firstQueries.includes(r.query_id) && r.passage_id === f.copyOfFirst)).toBe(false);
      expect(rows.some((r) => r.passage_id === f.copyOfFirst)).toBe(true); // it is a negative of other queries
      expect(report.bm25DenseAgreement).toBeCloseTo(sawBoth / rows.length, 12);
      expect(report.margins!.mean).toBeCloseTo(rows.reduce((a, r) => a + r.margin, 0) / rows.length, 9);

      // CE scores are the cross-encoder's raw logits for (query text, passage text).
      const ce = await CrossEncoder.load(TINY_CROSS_ENCODER);
      try {
        const sample = rows.filter((_, i) => i % 17 === 0);
        const logits = await ce.logits(sample.map((r) => [query.get(r.query_id)!.text, passage.get(r.passage_id)!.text] as const));
        sample.forEach((r, i) => expect(r.ce_score).toBeCloseTo(logits[i], 4));
        const pos = await ce.logits(mined.slice(0, 5).map((m) => [query.get(m.query_id)!.text, passage.get(m.positive_id)!.text] as const));
        mined.slice(0, 5).forEach((m, i) => expect(m.ce_positive).toBeCloseTo(pos[i], 4));
      } finally {
        await ce.release();
      }

      // The API reads: likeliest false negatives first; drop by threshold with a preview count.
      const page = await s.impl.mining.queries({ runId: report.runId, limit: 5 } as never);
      expect(page.total).toBe(mined.length);
      const minMargins = page.rows.map((r) => r.minMargin!);
      expect([...minMargins].sort((a, b) => a - b)).toEqual(minMargins);
      const negs = await s.impl.mining.negatives({ runId: report.runId, queryId: page.rows[0].queryId });
      expect(negs[0].margin).toBe(page.rows[0].minMargin);
      const threshold = report.margins!.mean;
      const below = rows.filter((r) => r.margin < threshold).length;
      expect(await s.impl.mining.dropBelow({ runId: report.runId, threshold, preview: true })).toEqual({ count: below });
      expect(await s.impl.mining.dropBelow({ runId: report.runId, threshold } as never)).toEqual({ count: below });
      expect((await s.impl.mining.report({ runId: report.runId }))!.dropped).toBe(below);
    } finally {
      await s.dispose();
    }
  }, 120_000);

  it('samples N negatives per query reproducibly for a seed', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const db = s.projects.require().project.db;
      const f = await buildMiningProject(s, db, { passages: 20, queriesPerPassage: 1 });
      const run = async (seed: number) => {
        const job = await s.impl.mining.start({ retrievers: [{ kind: 'bm25' }, { kind: 'model', modelId: f.encoderId }], crossEncoderId: f.crossEncoderId, k: 8, negativesPerQuery: 3, seed, batchSize: 16, queriesPerBatch: 5 });
        const end = await s.finished(job.id);
        expect(end.state, JSON.stringify(end.error)).toBe('done');
        return candidatesOf(db, (end.result as MiningReport).runId).map(({ query_id, passage_id, margin }) => ({ query_id, passage_id, margin }));
      };
      const a = await run(11);
      const b = await run(11);
      const c = await run(12);
      expect(a.length).toBeGreaterThan(0);
      expect(b).toEqual(a);
      expect(c.map((r) => r.passage_id)).not.toEqual(a.map((r) => r.passage_id));
      const perQuery = new Map<number, number>();
      for (const r of a) perQuery.set(r.query_id, (perQuery.get(r.query_id) ?? 0) + 1);
      expect(Math.max(...perQuery.values())).toBe(3);
      await expect(s.impl.mining.start({ retrievers: [{ kind: 'bm25' }], crossEncoderId: f.encoderId } as never)).rejects.toThrow(/is a encoder, not a cross-encoder/);
      await expect(s.impl.mining.start({ retrievers: [{ kind: 'model', modelId: f.crossEncoderId }], crossEncoderId: f.crossEncoderId } as never)).rejects.toThrow(/not an encoder/);
    } finally {
      await s.dispose();
    }
  }, 120_000);

  it("searches the encoder's HNSW index when it is fresh, with the same negatives as exact search (eval-split passages still left out)", async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const db = s.projects.require().project.db;
      const f = await buildMiningProject(s, db, { passages: 30, queriesPerPassage: 1 });
      const params = { retrievers: [{ kind: 'model' as const, modelId: f.encoderId }], crossEncoderId: f.crossEncoderId, k: 6, negativesPerQuery: 1000, seed: 2, batchSize: 16, queriesPerBatch: 64 };
      const mine = async () => {
        const job = await s.impl.mining.start(params);
        const end = await s.finished(job.id);
        expect(end.state, JSON.stringify(end.error)).toBe('done');
        const logs = (await s.impl.jobs.logs({ id: job.id, limit: 50 })).map((l) => l.message).join('\n');
        return { rows: candidatesOf(db, (end.result as MiningReport).runId).map((r) => [r.query_id, r.passage_id, JSON.parse(r.ranks)[0]]), logs };
      };
      const exact = await mine();
      expect(exact.logs).toMatch(/no HNSW index; embedding \d+ passages for exact search/);
      const built = await s.finished((await s.impl.search.buildIndex({ modelId: f.encoderId } as never)).id);
      expect(built.state, JSON.stringify(built.error)).toBe('done');
      const hnsw = await mine();
      expect(hnsw.logs).toMatch(/searching its HNSW index/);
      expect(hnsw.rows).toEqual(exact.rows);
      const evalIds = new Set((db.prepare("SELECT id FROM passages WHERE split = 'eval'").all() as Array<{ id: number }>).map((r) => r.id));
      expect(evalIds.size).toBeGreaterThan(0);
      expect(hnsw.rows.some((r) => evalIds.has(r[1] as number))).toBe(false);
      // k per query after the exclusions: at most k, and the ranks are positions among eligible passages.
      expect(Math.max(...hnsw.rows.map((r) => r[2] as number))).toBeLessThanOrEqual(6);
    } finally {
      await s.dispose();
    }
  }, 120_000);
});
