// Issue 13 items 4 and 8 for query generation: two `generate` runs at once on one project used to
// give every passage both runs' queries (6 instead of 3); now the second is refused with who is
// running. And a resumed run only takes the passages in scope when it started, not ones imported
// while it was stopped (progress read 110/87).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GenerationResult } from '../../../../shared/services/generation.js';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { useTempDirs, waitUntil } from '../../../helpers/temp-dir.js';
import { scalar, startStage, withDb } from '../../../faults/harness.js';
import { insertPassages, TINY_T5 } from '../generation/project-fixture.js';

const tempDir = useTempDirs('genq-generation-concurrency-');

async function projectWithPassages(n: number) {
  const root = tempDir();
  const setup = await servicesOnNewProject(root);
  const ids = insertPassages(setup.projects.require().project.db, n);
  const model = await setup.impl.models.add({ dir: TINY_T5, role: 'generator' });
  await setup.dispose();
  const params = (scope: 'all' | 'new') => ({
    modelId: model.id, scope: { kind: scope }, settings: { numQueries: 3, maxLength: 24, minLength: 24, seed: 3, batchSize: 2 }, threads: 1,
  });
  return { root, dir: setup.dir, ids, params };
}

describe('generation: one run at a time, scope fixed at start', () => {
  it('two generation jobs started at once in two processes: one runs, the other is refused; no passage gets 6 queries', async () => {
    const { dir, params } = await projectWithPassages(60);
    const a = startStage(dir, 'generation', 'start', params('new'));
    const b = startStage(dir, 'generation', 'start', params('new'));
    try {
      await Promise.all([a.exited, b.exited]);
    } finally {
      await Promise.all([a.kill(), b.kill()]);
    }
    const ends = [a.lines.at(-1)!, b.lines.at(-1)!];
    const refused = ends.filter((e) => e.state === 'failed');
    expect(ends.filter((e) => e.state === 'done')).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0].error).toMatchObject({ name: 'StageLockedError', message: expect.stringMatching(/^Query generation \(job \d+\) is already running in process \d+ \(started /) });
    withDb(dir, (db) => {
      expect(scalar(db, 'SELECT max(n) FROM (SELECT count(*) n FROM queries GROUP BY passage_id)')).toBeLessThanOrEqual(3);
      expect(scalar(db, 'SELECT count(DISTINCT run_id) FROM queries')).toBe(1);
    });
  }, 120_000);

  it('a run resumed after kill -9 leaves out passages added while it was stopped', async () => {
    const { root, dir, ids, params } = await projectWithPassages(40);
    const child = startStage(dir, 'generation', 'start', params('all'));
    let jobId = 0;
    try {
      jobId = (await child.first).jobId!;
      await waitUntil(() => withDb(dir, (db) => scalar(db, 'SELECT count(DISTINCT passage_id) FROM queries') >= 4), 60_000, 'four passages with queries');
    } finally {
      await child.kill();
    }
    const s = await servicesOnNewProject(root);
    try {
      const added = insertPassages(s.projects.require().project.db, 10);
      await s.impl.jobs.resume({ id: jobId });
      const end = await s.finished(jobId);
      expect(end.state).toBe('done');
      // 39: the fixture's last passage is a duplicate, which the scope skips.
      expect(end.progress).toMatchObject({ done: 39, total: 39 });
      expect((end.result as GenerationResult).passages).toBe(39);
      const db = s.projects.require().project.db;
      expect(scalar(db, `SELECT count(*) FROM queries WHERE passage_id IN (${added.join(',')})`)).toBe(0);
      expect(scalar(db, `SELECT count(DISTINCT passage_id) FROM queries WHERE passage_id IN (${ids.join(',')})`)).toBe(39);
    } finally {
      await s.dispose();
    }
  }, 120_000);
});
