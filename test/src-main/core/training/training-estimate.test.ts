// training.estimate (the memory plan the Train page shows before "Start training") and the GPL
// start check: MarginMSE without a finished mining run is refused with what to do.
import { describe, expect, it } from 'vitest';
import { trainingContract, trainingRunParamsSchema, type TrainingRunParamsInput } from '../../../../shared/services/training.js';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { addTinyBert, seedPairs } from './training-fixture.js';

const tempDir = useTempDirs('genq-training-estimate-');
// The impl gets validated input, as the API layer gives it.
const estimateInput = (x: { modelId: number; settings: TrainingRunParamsInput['settings'] }) => trainingContract.estimate.input.parse(x);

describe('training.estimate and the GPL start check', () => {
  it('estimates tiny-bert in one pass per engine; a requested mini-batch is kept; MarginMSE needs mining', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const db = s.projects.require().project.db;
      const modelId = addTinyBert(db);
      seedPairs(db, { train: 6, evalPassages: 2 });
      const ort = await s.impl.training.estimate(estimateInput({ modelId, settings: { batchSize: 8 } }));
      expect(ort).toMatchObject({ engine: 'ort', fits: true, maxSeqLength: 128 });
      expect(ort.miniBatchSize).toBeUndefined();
      expect(ort.message).toMatch(/^batch 8 in one pass: estimated \d+ MB peak/);
      const tfjs = await s.impl.training.estimate(estimateInput({ modelId, settings: { batchSize: 8, engine: 'tfjs', miniBatchSize: 3, loss: 'margin-mse' } }));
      expect(tfjs).toMatchObject({ engine: 'tfjs', provider: 'wasm', miniBatchSize: 3, fits: true });
      expect(tfjs.message).toMatch(/batch 8 as 3 mini-batches of 3 \(asked for\)/);
      expect(tfjs.budgetSource).toMatch(/WebAssembly heap/);
      await expect(s.impl.training.start(trainingRunParamsSchema.parse({ modelId, settings: { loss: 'margin-mse' } }))).rejects.toThrow(/no finished mining run; mine hard negatives first/);
    } finally {
      await s.dispose();
    }
  });
});
