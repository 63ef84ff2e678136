// training.* through the API dispatcher: input checks before a job starts, runs with status and
// series, checkpoint listing, export of a checkpoint as a registered model, resume of a run from
// an earlier checkpoint (same trajectory), and the comparison of runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProjectModel } from '../../../../shared/services/models.js';
import { trainingRunParamsSchema, type TrainingResult, type TrainingRunParamsInput } from '../../../../shared/services/training.js';
import { loadCheckpoint } from '../../../../src-main/core/training/checkpoint.js';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { addTinyBert, seedPairs, TINY_BERT } from './training-fixture.js';

const tempDir = useTempDirs('genq-training-service-');
/** impl methods take validated params (the dispatcher parses); tests give the input form. */
const p = (input: TrainingRunParamsInput) => trainingRunParamsSchema.parse(input);
const settings = { batchSize: 4, epochs: 2, lr: 5e-4, maxSeqLength: 32, checkpointEvery: 2, keepCheckpoints: 10, backend: 'wasm' as const };

describe('training service', () => {
  it('refuses to start without pairs, with a non-encoder, or with bad settings', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const db = s.projects.require().project.db;
      const baseId = addTinyBert(db);
      const call = (input: unknown) => s.dispatch('training', 'start', input);
      await expect(s.impl.training.start(p({ modelId: baseId }))).rejects.toThrow(/0 pair\(s\) nobody rejected on training-split passages/);
      seedPairs(db, { train: 3, evalPassages: 1 });
      const generator = Number(db.prepare("INSERT INTO models (name, role, path) VALUES ('t5', 'generator', ?)").run(TINY_BERT).lastInsertRowid);
      await expect(s.impl.training.start(p({ modelId: generator }))).rejects.toThrow(/is a generator; only encoders/);
      await expect(s.impl.training.start(p({ modelId: 999 }))).rejects.toThrow(/no model with id 999/);
      const bad = (await call({ modelId: baseId, settings: { batchSize: 1 } })) as { ok: boolean; error: { message: string } };
      expect(bad.ok).toBe(false);
      expect(bad.error.message).toMatch(/batchSize/);
      expect(await s.impl.training.counts({})).toEqual({ pairs: 6, accepted: 6, pending: 0, evalQueries: 2, evalPassages: 1 });
      expect(await s.impl.training.runs({})).toEqual([]);
      await expect(s.impl.training.run({ runId: 5 })).rejects.toThrow(/no training run with id 5/);
    } finally {
      await s.dispose();
    }
  });

  it('lists runs and checkpoints, exports a checkpoint, resumes from an earlier one to the same result, compares runs', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const db = s.projects.require().project.db;
      const baseId = addTinyBert(db);
      seedPairs(db, { train: 8, evalPassages: 3 });
      const first = await s.finished((await s.impl.training.start(p({ modelId: baseId, settings, outputName: 'tuned' }))).id);
      expect(first.state).toBe('done');
      const done = first.result as TrainingResult;
      expect(done).toMatchObject({ steps: 8, modelName: 'tuned' });

      const checkpoints = await s.impl.training.checkpoints({ runId: done.runId });
      expect(checkpoints.map((c) => [c.step, c.epoch])).toEqual([[2, null], [4, 1], [6, null], [8, 2]]);
      expect(checkpoints.every((c) => c.bytes > 0 && c.loss !== null && Number.isFinite(c.loss))).toBe(true);

      // Export the mid-run checkpoint: a registered encoder whose weights are that checkpoint's.
      const changed: ProjectModel[][] = [];
      s.events.subscribe((m) => m.service === 'models' && m.event === 'onChanged' && changed.push(m.payload as ProjectModel[]));
      const exported = await s.impl.training.exportCheckpoint({ runId: done.runId, checkpoint: 'step-0000004' });
      expect(exported).toMatchObject({ name: 'tuned @ step 4', role: 'encoder', parentId: baseId, source: `training run ${done.runId} (step-0000004)` });
      expect(exported.info).toMatchObject({ architecture: 'bert', maxSeqLength: 32 });
      expect(existsSync(join(exported.path, 'modules.json'))).toBe(true);
      expect(changed.at(-1)!.map((m) => m.name)).toEqual(['tiny-bert', 'tuned', 'tuned @ step 4']);
      await expect(s.impl.training.exportCheckpoint({ runId: done.runId, checkpoint: 'step-0000005' })).rejects.toThrow(/no such checkpoint/);

      // Resume the finished run from step 4: the later checkpoints are redone, the outcome is the same.
      const metricsBefore = await s.impl.training.metrics({ runId: done.runId, series: ['loss', 'mrr@10'] });
      const resumed = await s.finished((await s.impl.training.resume({ runId: done.runId, checkpoint: 'step-0000004' })).id);
      expect(resumed.error).toBeNull();
      const again = resumed.result as TrainingResult;
      expect(again).toMatchObject({ runId: done.runId, steps: 8, finalLoss: done.finalLoss, modelId: done.modelId, evals: done.evals });
      expect(await s.impl.training.metrics({ runId: done.runId, series: ['loss', 'mrr@10'] })).toEqual(metricsBefore);
      const [run] = await s.impl.training.runs({});
      expect(run).toMatchObject({ id: done.runId, jobId: resumed.id, status: 'done', stepsDone: 8 });
      expect(loadCheckpoint(join(s.dir, 'checkpoints', `run-${done.runId}`, 'step-0000008')).state.step).toBe(8);
      // The newest checkpoint is the default; a run has to be stopped to be resumed.
      await expect(s.impl.training.resume({ runId: done.runId, checkpoint: 'step-0000003' })).rejects.toThrow(/has no checkpoint step-0000003/);

      // A second run with another learning rate, compared with the first.
      const second = (await s.finished((await s.impl.training.start(p({ modelId: baseId, settings: { ...settings, lr: 1e-4, epochs: 1 } }))).id)).result as TrainingResult;
      const comparison = await s.impl.training.compare({ runIds: [done.runId, second.runId], points: 10 });
      expect(comparison.runs.map((r) => [r.run.id, r.loss.length, r.evals['mrr@10'].length])).toEqual([[done.runId, 8, 3], [second.runId, 4, 2]]);
      expect(comparison.runs[1].run.config.settings.lr).toBe(1e-4);
      const thin = await s.impl.training.compare({ runIds: [done.runId], points: 10 });
      expect(thin.runs[0].loss).toHaveLength(8);
    } finally {
      await s.dispose();
    }
  }, 60_000);
});
