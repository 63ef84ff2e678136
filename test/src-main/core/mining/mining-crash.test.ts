// kill -9 during a mining job, then resume: every minable query is mined exactly once in the same
// run, and the run holds exactly the negatives and margins an uninterrupted run with the same seed
// produces (nothing lost, nothing duplicated).
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { MiningReport } from '../../../../shared/services/mining.js';
import { servicesOnNewProject } from '../../../helpers/services-compiled.js';
import { withDb } from '../../../faults/harness.js';
import { killMidJob } from '../../../helpers/kill-mid-job.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { buildMiningProject } from './mining-fixture.js';

const tempDir = useTempDirs('genq-mining-crash-');

const rowsOf = (db: Database.Database, runId: number) =>
  db.prepare('SELECT query_id, passage_id, margin FROM mining_candidates WHERE run_id = ? ORDER BY query_id, passage_id').all(runId) as Array<{ query_id: number; passage_id: number; margin: number }>;

describe('mining.run after kill -9', () => {
  it('resumes with nothing lost or duplicated', async () => {
    const root = tempDir();
    const setup = await servicesOnNewProject(root);
    const f = await buildMiningProject(setup, setup.projects.require().project.db, { passages: 40, queriesPerPassage: 4 });
    await setup.dispose();
    const params = { retrievers: [{ kind: 'bm25' }, { kind: 'model', modelId: f.encoderId }], crossEncoderId: f.crossEncoderId, k: 50, negativesPerQuery: 20, seed: 9, batchSize: 8, queriesPerBatch: 3, threads: 1 };

    const minedQueries = () => withDb(setup.dir, (db) => (db.prepare('SELECT COUNT(*) AS n FROM mining_queries').get() as { n: number }).n);
    const { jobId } = await killMidJob({ dir: setup.dir, service: 'mining', params, reached: () => minedQueries() >= 6, timeoutMs: 60_000, what: 'six mined queries' });

    const s = await servicesOnNewProject(root);
    try {
      const db = s.projects.require().project.db;
      const minable = db
        .prepare("SELECT q.id FROM queries q JOIN passages p ON p.id = q.passage_id WHERE q.status != 'rejected' AND p.split = 'train' AND p.duplicate_of IS NULL ORDER BY q.id")
        .all()
        .map((r) => (r as { id: number }).id);
      const before = minedQueries();
      expect(before).toBeLessThan(minable.length);
      expect(await s.impl.jobs.get({ id: jobId })).toMatchObject({ state: 'interrupted', resumable: true });
      const runBefore = (db.prepare('SELECT id FROM mining_runs').all() as Array<{ id: number }>).map((r) => r.id);
      expect(runBefore).toHaveLength(1);
      await s.impl.jobs.resume({ id: jobId });
      const end = await s.finished(jobId);
      expect(end.state, JSON.stringify(end.error)).toBe('done');
      const resumed = end.result as MiningReport;
      expect(resumed.runId).toBe(runBefore[0]);
      const mined = db.prepare('SELECT query_id FROM mining_queries WHERE run_id = ? ORDER BY query_id').all(resumed.runId).map((r) => (r as { query_id: number }).query_id);
      expect(mined).toEqual(minable);
      const logs = await s.impl.jobs.logs({ id: jobId, limit: 100 });
      expect(logs.some((l) => /Resuming mining run \d+ at \d+\/\d+ queries/.test(l.message))).toBe(true);

      // The same mining without interruption.
      const again = await s.impl.mining.start(params as never);
      const fresh = (await s.finished(again.id)).result as MiningReport;
      const a = rowsOf(db, resumed.runId);
      const b = rowsOf(db, fresh.runId);
      expect(a.map((r) => [r.query_id, r.passage_id])).toEqual(b.map((r) => [r.query_id, r.passage_id]));
      a.forEach((r, i) => expect(r.margin).toBeCloseTo(b[i].margin, 4));
      expect(resumed.triplets).toBe(fresh.triplets);
    } finally {
      await s.dispose();
    }
  }, 180_000);
});
