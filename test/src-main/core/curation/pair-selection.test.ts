// Curation is pruning: every query nobody rejected (pending and accepted) goes into training, the
// dev set, held-out evaluation and exports; "accepted" restricts training and exports to accepted
// ones; reports count how many of each status went in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportPairs } from '../../../../src-main/core/curation/export.js';
import { heldOutEvalSet } from '../../../../src-main/core/eval/held-out.js';
import { missingHeldOut } from '../../../../src-main/core/eval/run-eval.js';
import { countTrainingPairs, countTrainingPairsByStatus, devSet, trainingPairs } from '../../../../src-main/core/training/project-pairs.js';
import { trainingRunParamsSchema } from '../../../../shared/services/training.js';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { addTinyBert, seedPairs } from '../training/training-fixture.js';
import { seed, tempCurationDb, type CurationDb } from './helpers.js';

let t: CurationDb;
beforeEach(() => {
  t = tempCurationDb();
  // Passages 1–3 train, 4 held out; queries 1–8, two per passage.
  seed(t.db, [1, 2, 3, 4].map((n) => ({ text: `passage ${n}`, queries: [`first query ${n}`, `second query ${n}`] })));
  t.db.prepare("UPDATE passages SET split = CASE WHEN id = 4 THEN 'eval' ELSE 'train' END").run();
  t.db.prepare("UPDATE queries SET status = CASE WHEN id IN (1, 7) THEN 'accepted' WHEN id IN (2, 8) THEN 'rejected' ELSE 'pending' END").run();
});
afterEach(() => t.close());

describe('which queries go in', () => {
  it('trains on pending and accepted queries of training passages; accepted only on request', () => {
    expect(trainingPairs(t.db).map((p) => p.query)).toEqual(['first query 1', 'first query 2', 'second query 2', 'first query 3', 'second query 3']);
    expect(countTrainingPairsByStatus(t.db)).toEqual({ accepted: 1, pending: 4 });
    expect(countTrainingPairs(t.db)).toBe(5);
    expect(trainingPairs(t.db, 'accepted').map((p) => p.query)).toEqual(['first query 1']);
    expect(countTrainingPairsByStatus(t.db, 'accepted')).toEqual({ accepted: 1, pending: 0 });
  });

  it('asks the dev set and the held-out evaluation the same queries: every held-out one nobody rejected', () => {
    // Passage 4 has query 7 accepted and 8 rejected; a pending one joins it.
    t.db.prepare("INSERT INTO queries (passage_id, text, origin, status) VALUES (4, 'third query 4', 'generated', 'pending')").run();
    expect(devSet(t.db, 100).queries.map((q) => q.text)).toEqual(['first query 4', 'third query 4']);
    expect(heldOutEvalSet(t.db).queries.map((q) => q.text)).toEqual(['first query 4', 'third query 4']);
  });

  it('exports pending and accepted pairs by default, accepted only with status "accepted", and counts each', () => {
    const all = exportPairs(t.db, 'jsonl', join(t.dir, 'all.jsonl'));
    expect(all.byStatus).toEqual({ accepted: 2, pending: 4 });
    expect(all.pairs).toBe(6);
    const records = readFileSync(all.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { queryId: number; status: string });
    expect(records.map((r) => [r.queryId, r.status])).toEqual([
      [1, 'accepted'], [3, 'pending'], [4, 'pending'], [5, 'pending'], [6, 'pending'], [7, 'accepted'],
    ]);
    const accepted = exportPairs(t.db, 'tsv', join(t.dir, 'accepted.tsv'), 'train', { status: 'accepted' });
    expect(accepted).toMatchObject({ pairs: 1, byStatus: { accepted: 1, pending: 0 } });
    expect(readFileSync(accepted.path, 'utf8')).toBe('first query 1\tpassage 1\n');
    const beir = exportPairs(t.db, 'beir', join(t.dir, 'beir'), 'eval');
    expect(beir).toMatchObject({ pairs: 1, byStatus: { accepted: 1, pending: 0 } });
  });
});

describe('what Evaluate says is missing', () => {
  it('names the missing split, the missing queries, or the rejected ones', () => {
    t.db.prepare("UPDATE passages SET split = 'train'").run();
    expect(missingHeldOut(t.db)).toMatch(/^no held-out split yet: make a held-out split on Curate/);
    t.db.prepare("INSERT INTO passages (document_id, ordinal, text, split) VALUES (1, 99, 'a held-out passage', 'eval')").run();
    expect(missingHeldOut(t.db)).toMatch(/^the held-out split has 1 passage\(s\) but no queries on them/);
    t.db.prepare("UPDATE passages SET split = CASE WHEN id = 4 THEN 'eval' ELSE 'train' END").run();
    t.db.prepare("UPDATE queries SET status = 'rejected' WHERE passage_id = 4").run();
    expect(missingHeldOut(t.db)).toMatch(/^all 2 queries on the 1 held-out passage\(s\) are rejected/);
  });
});

describe('the Train page', () => {
  const tempDir = useTempDirs('genq-pair-selection-');
  it('counts pending and accepted pairs, and refuses "accepted only" when nothing was accepted', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const db = s.projects.require().project.db;
      const baseId = addTinyBert(db);
      seedPairs(db, { train: 3, evalPassages: 1 });
      db.prepare("UPDATE queries SET status = 'pending' WHERE id > 2 AND status = 'accepted'").run();
      expect(await s.impl.training.counts({})).toMatchObject({ pairs: 6, accepted: 2, pending: 4 });
      db.prepare("UPDATE queries SET status = 'pending' WHERE status = 'accepted'").run();
      const params = (pairStatuses: 'accepted' | 'not-rejected') => trainingRunParamsSchema.parse({ modelId: baseId, settings: { pairStatuses, backend: 'wasm' } });
      await expect(s.impl.training.start(params('accepted'))).rejects.toThrow(/has 0 accepted pair\(s\) on training-split passages.*accept queries on the Curate page/);
      const job = await s.impl.training.start(params('not-rejected'));
      await s.impl.jobs.cancel({ id: job.id });
      await s.finished(job.id);
    } finally {
      await s.dispose();
    }
  });
});
