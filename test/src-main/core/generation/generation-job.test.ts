// The 'generation.run' job on a project with the tiny-t5 generator: queries stored with run, seq and
// origin; the run records the model and settings; duplicates counted; scopes; same seed → same
// queries whatever the batch size; and kill -9 mid-run then resume: every passage ends with
// exactly its N sequences (kept + counted duplicates/empties), none generated twice.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { GenerationResult } from '../../../../shared/services/generation.js';
import { servicesOnNewProject } from '../../../helpers/services-compiled.js';
import { withDb } from '../../../faults/harness.js';
import { killMidJob, resumeInterrupted } from '../../../helpers/kill-mid-job.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { insertPassages, TINY_T5 } from './project-fixture.js';

const tempDir = useTempDirs('genq-generation-');

interface QueryRow {
  passage_id: number;
  text: string;
  seq: number;
  run_id: number;
  origin: string;
}
const queriesOf = (db: Database.Database, runId: number) => db.prepare('SELECT passage_id, text, seq, run_id, origin FROM queries WHERE run_id = ? ORDER BY passage_id, seq').all(runId) as QueryRow[];
const byPassage = (rows: QueryRow[]) => {
  const m = new Map<number, string[]>();
  for (const r of rows) m.set(r.passage_id, [...(m.get(r.passage_id) ?? []), r.text]);
  return m;
};

describe('generation.run', () => {
  it('stores N queries per passage with run, seq and origin; records model + settings; scopes; reproducible across batch sizes', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const db = s.projects.require().project.db;
      const ids = insertPassages(db, 13);
      const model = await s.impl.models.add({ dir: TINY_T5, role: 'generator' });
      expect((await s.impl.generation.count({ scope: { kind: 'all' } as never })).passages).toBe(12); // the duplicate is skipped
      const settings = { numQueries: 3, maxLength: 8, seed: 7, batchSize: 5 };
      const job = await s.impl.generation.start({ modelId: model.id, scope: { kind: 'new' }, settings, threads: 1 } as never);
      const done = await s.finished(job.id);
      expect(done.state).toBe('done');
      const result = done.result as GenerationResult;
      const rows = queriesOf(db, result.runId);
      expect(rows.every((r) => r.origin === 'generated')).toBe(true);
      const grouped = byPassage(rows);
      expect([...grouped.keys()].sort((a, b) => a - b)).toEqual(ids.slice(0, 12));
      expect(rows.length).toBe(result.queries);
      expect(result).toMatchObject({ passages: 12, queries: 36 - result.duplicates - result.empty });
      for (const texts of grouped.values()) expect(new Set(texts).size).toBe(texts.length); // duplicates removed

      const run = db.prepare('SELECT kind, job_id, model_id, config, summary FROM runs WHERE id = ?').get(result.runId) as { kind: string; job_id: number; model_id: number; config: string; summary: string };
      expect(run).toMatchObject({ kind: 'generation', job_id: job.id, model_id: model.id });
      const config = JSON.parse(run.config);
      expect(config.model).toMatchObject({ id: model.id, path: TINY_T5 });
      expect(config.settings).toMatchObject({ mode: 'sample', numQueries: 3, topP: 0.95, topK: 0, temperature: 1, maxLength: 8, seed: 7 });
      expect(JSON.parse(run.summary)).toEqual(result);

      // Nothing is new any more; the eval split is a filter.
      expect((await s.impl.generation.count({ scope: { kind: 'new' } as never })).passages).toBe(0);
      expect((await s.impl.generation.count({ scope: { kind: 'filter', split: 'eval' } as never })).passages).toBe(3);

      // Another run over all passages, other batch size: the same queries.
      const again = await s.impl.generation.start({ modelId: model.id, scope: { kind: 'all' }, settings: { ...settings, batchSize: 2 }, threads: 1 } as never);
      const second = (await s.finished(again.id)).result as GenerationResult;
      expect(second.runId).not.toBe(result.runId);
      expect(byPassage(queriesOf(db, second.runId))).toEqual(grouped);

      const latest = await s.impl.generation.latest({ runId: second.runId, limit: 5 });
      expect(latest).toHaveLength(5);
      expect(latest[0].passage).toBe((db.prepare('SELECT text FROM passages WHERE id = ?').get(latest[0].passageId) as { text: string }).text);
      expect((await s.impl.generation.runs({})).map((r) => r.id)).toEqual([second.runId, result.runId]);
      const estimate = await s.impl.generation.estimate({ modelId: model.id, scope: { kind: 'all' }, settings, threads: 1 } as never);
      expect(estimate).toMatchObject({ passages: 12, calibrationPassages: 8, provider: 'cpu' });
      expect(estimate.secondsPerPassage).toBeGreaterThan(0);
    } finally {
      await s.dispose();
    }
  }, 60_000);

  it('rejects a model that is not a generator', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      await expect(s.impl.generation.start({ modelId: 99 } as never)).rejects.toThrow(/no model with id 99/);
    } finally {
      await s.dispose();
    }
  });

  it('resumes after kill -9 with every passage generated exactly once', async () => {
    const root = tempDir();
    const setup = await servicesOnNewProject(root);
    const db0 = setup.projects.require().project.db;
    const passages = 60;
    const ids = insertPassages(db0, passages + 1).slice(0, passages);
    const model = await setup.impl.models.add({ dir: TINY_T5, role: 'generator' });
    await setup.dispose();

    const params = { modelId: model.id, scope: { kind: 'all' }, settings: { numQueries: 3, maxLength: 24, minLength: 24, seed: 3, batchSize: 2 }, threads: 1 };
    const generatedPassages = () => withDb(setup.dir, (db) => (db.prepare('SELECT COUNT(DISTINCT passage_id) AS n FROM queries').get() as { n: number }).n);
    const { jobId } = await killMidJob({ dir: setup.dir, service: 'generation', params, reached: () => generatedPassages() >= 6, timeoutMs: 40_000, what: 'six passages with queries' });
    const before = generatedPassages();
    expect(before).toBeLessThan(passages);

    const s = await servicesOnNewProject(root);
    try {
      const end = await resumeInterrupted(s, jobId);
      expect(end.state).toBe('done');
      const result = end.result as GenerationResult;
      expect(result.passages).toBe(passages);
      const db = s.projects.require().project.db;
      const rows = queriesOf(db, result.runId);
      const grouped = byPassage(rows);
      expect([...grouped.keys()].sort((a, b) => a - b)).toEqual(ids);
      // Every passage: kept queries with distinct seqs; kept + removed = 3 sequences overall.
      const seqs = db.prepare('SELECT passage_id, COUNT(*) AS n, COUNT(DISTINCT seq) AS d FROM queries WHERE run_id = ? GROUP BY passage_id').all(result.runId) as Array<{ n: number; d: number }>;
      for (const r of seqs) expect(r.d).toBe(r.n);
      expect(rows.length + result.duplicates + result.empty).toBe(passages * 3);
      expect(rows.length).toBe(result.queries);
      const logs = await s.impl.jobs.logs({ id: jobId, limit: 100 });
      expect(logs.some((l) => /Resuming run \d+ at \d+\/60 passages/.test(l.message))).toBe(true);
    } finally {
      await s.dispose();
    }
  }, 120_000);
});
