// A GPL training job: the project's mined hard negatives (a finished mining run with cross-encoder
// scores) train with MarginMSE through 'training.run', a fresh negative per query each epoch, and the
// tuned model is registered like a GenQ run's.
import { describe, expect, it } from 'vitest';
import { trainingRunParamsSchema, type TrainingResult } from '../../../../shared/services/training.js';
import { createMiningRun, finishMiningRun, insertMinedQueries, miningReport } from '../../../../src-main/core/mining/store.js';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { addTinyBert, seedPairs } from './training-fixture.js';

const tempDir = useTempDirs('genq-training-gpl-');

describe('training.run with loss margin-mse', () => {
  it('trains on the mined triplets and registers the tuned model', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const db = s.projects.require().project.db;
      const modelId = addTinyBert(db);
      seedPairs(db, { train: 8, evalPassages: 2, queriesPer: 1 });
      const passages = (db.prepare("SELECT id FROM passages WHERE split = 'train' ORDER BY id").all() as Array<{ id: number }>).map((r) => r.id);
      const queries = db.prepare("SELECT q.id, q.passage_id AS passageId FROM queries q JOIN passages p ON p.id = q.passage_id WHERE p.split = 'train' ORDER BY q.id").all() as Array<{ id: number; passageId: number }>;
      const config = { retrievers: [{ kind: 'bm25' as const }], crossEncoderId: 1, k: 50, negativesPerQuery: 2, seed: 1, batchSize: 32, queriesPerBatch: 64, retrieverNames: ['bm25'], crossEncoder: 'ce' };
      const runId = createMiningRun(db, null, config);
      insertMinedQueries(db, runId, queries.map((q, i) => ({
        queryId: q.id, positiveId: q.passageId, cePositive: 4, pool: 2,
        negatives: [1, 2].map((k) => ({ passageId: passages[(i + k) % passages.length], foundBy: 1, ranks: [k], ceScore: k - 1 })),
      })));
      finishMiningRun(db, runId, miningReport(db, runId)!);
      const job = await s.impl.training.start(trainingRunParamsSchema.parse({ modelId, settings: { loss: 'margin-mse', batchSize: 4, epochs: 2, lr: 5e-4, maxSeqLength: 32, evalBeforeTraining: false } }));
      const end = await s.finished(job.id);
      expect(end.error).toBeNull();
      const result = end.result as TrainingResult;
      expect(result).toMatchObject({ steps: 4, totalSteps: 4, stopped: 'completed', pairs: 8, device: 'ort cpu' }); // 8 triplets, batch 4, 2 epochs
      expect(Number.isFinite(result.finalLoss)).toBe(true);
      expect(db.prepare('SELECT role FROM models WHERE id = ?').get(result.modelId)).toEqual({ role: 'encoder' });
    } finally {
      await s.dispose();
    }
  }, 120_000);
});
