// The 'training.run' job in its worker thread on a tiny-bert project: streamed metrics, dev
// evaluation, checkpoints, the exported and registered model; kill -9 of the whole process and a
// resume that lands on the uninterrupted run's result; a diverging run stops with a clear error.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../../../shared/services/jobs.js';
import { trainingRunParamsSchema, type TrainingResult, type TrainingRunParamsInput } from '../../../../shared/services/training.js';
import { loadModelFolder } from '../../../../src-main/core/models/folder.js';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { servicesOnNewProject } from '../../../helpers/services-compiled.js';
import { withDb } from '../../../faults/harness.js';
import { killMidJob, resumeInterrupted } from '../../../helpers/kill-mid-job.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { addTinyBert, seedPairs } from './training-fixture.js';

const tempDir = useTempDirs('genq-training-job-');
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** impl methods take validated params (the dispatcher parses); tests give the input form. */
const p = (input: TrainingRunParamsInput) => trainingRunParamsSchema.parse(input);
const settings = { batchSize: 4, epochs: 2, lr: 5e-4, maxSeqLength: 32, checkpointEvery: 3, keepCheckpoints: 2, backend: 'wasm' as const };

describe('training.run job', () => {
  it('streams loss/lr per step, evaluates the held-out split, checkpoints, and registers the tuned model', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const db = s.projects.require().project.db;
      const baseId = addTinyBert(db);
      seedPairs(db, { train: 10, evalPassages: 4 });
      const job = await s.impl.training.start(p({ modelId: baseId, settings }));
      const end = await s.finished(job.id);
      expect(end.error).toBeNull();
      expect(end.state).toBe('done');
      const result = end.result as TrainingResult;
      // 20 pairs, batch 4, no duplicate texts in a batch → 5 steps per epoch.
      expect(result).toMatchObject({ steps: 10, totalSteps: 10, stopped: 'completed', pairs: 20, engine: 'ort', backend: 'cpu', device: 'ort cpu' }); // the default engine and the device that ran
      expect(Number.isFinite(result.finalLoss)).toBe(true);
      // Base model (epoch -1) and each of the two epochs, on 8 accepted dev queries (rejected ones left out).
      expect(result.evals.map((e) => [e.step, e.epoch])).toEqual([[0, -1], [5, 0], [10, 1]]);
      for (const e of result.evals) for (const m of ['mrr@10', 'recall@10', 'ndcg@10']) expect(e.metrics[m]).toBeGreaterThanOrEqual(0);
      expect(result.evals[2].metrics['recall@10']).toBe(1); // 4 passages: every relevant one is in the top 10

      const pushed = s.messages.filter((m) => m.service === 'jobs' && m.event === 'onMetric').map((m) => m.payload as MetricPoint);
      expect(pushed.filter((p) => p.series === 'loss').map((p) => p.step)).toEqual([...Array(10).keys()]);
      expect(pushed.every((p) => p.runId === result.runId && p.jobId === job.id)).toBe(true);
      const lr = pushed.filter((p) => p.series === 'lr').map((p) => p.value);
      expect(lr[0]).toBe(0); // warmup 10% of 10 steps = 1 step: step 0 runs at lr × 0
      expect(lr[1]).toBeCloseTo(5e-4, 10);
      expect(lr[9]).toBeCloseTo(5e-4 / 9, 10);
      const series = await s.impl.training.metrics({ runId: result.runId });
      expect(series.loss.map((p) => p.value)).toEqual(pushed.filter((p) => p.series === 'loss').map((p) => p.value));
      expect(series['mrr@10'].map((p) => p.step)).toEqual([0, 5, 10]);
      expect(series.pairs_per_s).toHaveLength(10);
      expect(series.eta_s.at(-1)!.value).toBe(0);

      // Checkpoints every 3 steps and at each epoch end; the newest two are kept.
      const checkpoints = await s.impl.training.checkpoints({ runId: result.runId });
      expect(checkpoints.map((c) => c.name)).toEqual(['step-0000009', 'step-0000010']);
      expect(checkpoints[1]).toMatchObject({ step: 10, epoch: 2 });
      expect(checkpoints[0].path.startsWith(join(s.dir, 'checkpoints', `run-${result.runId}`))).toBe(true);

      const model = db.prepare('SELECT * FROM models WHERE id = ?').get(result.modelId) as { name: string; role: string; parent_id: number; source: string; path: string; info: string };
      expect(model).toMatchObject({ name: 'tiny-bert (run 1)', role: 'encoder', parent_id: baseId, source: `training run ${result.runId}` });
      expect(model.path.startsWith(join(s.dir, 'models'))).toBe(true);
      expect(JSON.parse(model.info)).toMatchObject({ architecture: 'bert', hiddenSize: 64, isSentenceTransformers: true });
      const folder = loadModelFolder(model.path);
      expect(folder).toMatchObject({ pooling: 'mean', maxSeqLength: 32 });
      // The exported weights are the final checkpoint's, under the original tensor names.
      const exported = readSafetensors(join(model.path, 'model.safetensors'));
      const final = readSafetensors(join(checkpoints[1].path, 'model.safetensors'));
      const name = 'encoder.layer.0.attention.self.query.weight';
      expect([...exported.tensors.keys()].some((k) => k.endsWith(name))).toBe(true);
      const exportedName = [...exported.tensors.keys()].find((k) => k.endsWith(name))!;
      expect(exported.float32(exportedName)).toEqual(final.float32(name));
      const base = readSafetensors(join(loadModelFolder(join(repoRoot, 'test/fixtures/tiny-bert')).weightFiles[0]));
      expect(exported.float32(exportedName)).not.toEqual(base.float32([...base.tensors.keys()].find((k) => k.endsWith(name))!));

      const [run] = await s.impl.training.runs({});
      expect(run).toMatchObject({ id: result.runId, status: 'done', baseModelId: baseId, stepsDone: 10, summary: { modelId: result.modelId } });
      expect(run.config).toMatchObject({ pairs: 20, evalQueries: 8, evalPassages: 4, totalSteps: 10, maxSeqLength: 32, settings: { lr: 5e-4, weightDecay: 0.01, warmupRatio: 0.1 } });
    } finally {
      await s.dispose();
    }
  }, 60_000);
});

function jobCheckpointStep(dir: string, jobId: number): number {
  return withDb(dir, (db) => {
    const row = db.prepare('SELECT checkpoint FROM jobs WHERE id = ?').get(jobId) as { checkpoint: string | null } | undefined;
    return row?.checkpoint ? (JSON.parse(row.checkpoint) as { step: number }).step : 0;
  });
}

describe('training.run after kill -9', () => {
  it('resumes from the last checkpoint onto the uninterrupted run: same losses, same evaluations, same weights', async () => {
    const root = tempDir();
    const dir = join(root, 'project');
    const prep = await servicesOnNewProject(root);
    const baseId = addTinyBert(prep.projects.require().project.db);
    seedPairs(prep.projects.require().project.db, { train: 12, evalPassages: 3 });
    await prep.dispose();

    // 20 steps (--steps runs epochs of 6 steps until then): the kill lands after the first checkpoint
    // (step 4), so the resumed part still crosses epoch boundaries and checkpoints.
    const params: TrainingRunParamsInput = { modelId: baseId, settings: { ...settings, epochs: 1, steps: 20, checkpointEvery: 4 } };
    const { jobId, reached: killedAt } = await killMidJob({ dir, service: 'training', params, reached: (id) => jobCheckpointStep(dir, id), timeoutMs: 40_000, what: 'a training checkpoint in the child' });
    expect(killedAt).toBeGreaterThanOrEqual(4);
    expect(killedAt).toBeLessThan(20);

    const s = await servicesOnNewProject(root);
    try {
      const resumed = await resumeInterrupted(s, jobId);
      expect(resumed.error).toBeNull();
      const logs = await s.impl.jobs.logs({ id: jobId, limit: 100 });
      expect(logs.some((l) => /^Resuming run 1 at step \d+/.test(l.message))).toBe(true);

      const reference = await s.finished((await s.impl.training.start(p(params))).id);
      const a = resumed.result as TrainingResult;
      const b = reference.result as TrainingResult;
      expect(a.steps).toBe(20);
      expect(a.evals).toEqual(b.evals);
      expect(a.finalLoss).toBe(b.finalLoss);
      const [lossA, lossB] = await Promise.all([a.runId, b.runId].map((runId) => s.impl.training.metrics({ runId, series: ['loss', 'lr', 'mrr@10'] })));
      expect(lossA.loss.map((p) => p.step)).toEqual([...Array(20).keys()]); // each step recorded once
      expect(lossA).toEqual(lossB);
      const weightsA = readFileSync(join(a.modelPath, 'model.safetensors'));
      const weightsB = readFileSync(join(b.modelPath, 'model.safetensors'));
      expect(weightsA.equals(weightsB)).toBe(true);
      expect(existsSync(join(s.dir, 'checkpoints', `run-${a.runId}`))).toBe(true);
      expect(readdirSync(join(s.dir, 'checkpoints', `run-${a.runId}`)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      await s.dispose();
    }
  }, 90_000);
});

describe('training.run divergence', () => {
  it('stops a run whose loss becomes NaN/inf with a message naming the step and the learning rate', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const db = s.projects.require().project.db;
      const baseId = addTinyBert(db);
      seedPairs(db, { train: 6, evalPassages: 0 });
      const job = await s.impl.training.start(p({ modelId: baseId, settings: { ...settings, lr: 1e38, warmupRatio: 0, steps: 6 } }));
      const end = await s.finished(job.id);
      expect(end.state).toBe('failed');
      expect(end.error?.name).toBe('TrainingDivergedError');
      expect(end.error?.message).toMatch(/training diverged at step \d+: loss (NaN|-?Infinity).*lower the learning rate/);
      expect(db.prepare("SELECT COUNT(*) AS n FROM models WHERE source LIKE 'training run%'").get()).toEqual({ n: 0 });
    } finally {
      await s.dispose();
    }
  }, 30_000);
});
