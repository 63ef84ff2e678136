// The training stage's job kind 'training.run', registered by the composition root.
import type { z } from 'zod';
import { trainingRunParamsSchema, type TrainingRunParams } from '../../../shared/services/training.js';
import type { JobKindDef } from '../jobs/types.js';
import { modelName } from '../models/model-names.js';

export const TRAINING_RUN_KIND = 'training.run';

export const trainingRunKind: JobKindDef<TrainingRunParams> = {
  kind: TRAINING_RUN_KIND,
  label: 'Fine-tune encoder',
  title: (p, db) =>
    p.resume
      ? `Resume training run ${p.resume.runId} from ${p.resume.checkpoint}`
      : `Fine-tune ${modelName(db, p.modelId)} (${p.settings.steps !== undefined ? `${p.settings.steps} steps` : `${p.settings.epochs} epoch${p.settings.epochs === 1 ? '' : 's'}`}, batch ${p.settings.batchSize}, lr ${p.settings.lr})`,
  heavy: true,
  params: trainingRunParamsSchema as unknown as z.ZodType<TrainingRunParams>,
  handlerModule: new URL('./training-job.js', import.meta.url).href,
};

export const trainingJobKinds: JobKindDef[] = [trainingRunKind as JobKindDef];
