// generation.* of the API: runs start as 'generation.run' jobs on the open project's runner; the
// estimate times a short calibration batch of the project's own passages with the chosen model
// (loaded once and kept while the same model is estimated again); reads query the database.
import { join } from 'node:path';
import type { GenqApiImpl } from '../../../shared/api.js';
import { generationRunParamsSchema, generationScopeSchema, type GenerationRunParams } from '../../../shared/services/generation.js';
import { reportDeviceMemory } from '../models/device-memory.js';
import type { ProjectManager } from '../project/project-manager.js';
import { QueryGenerator } from '../models/t5/query-generator.js';
import { generateQueries } from './generate-queries.js';
import { generatorModel } from './generation-job.js';
import { GENERATION_RUN_KIND } from './jobs.js';
import { countScope, latestQueries, listGenerationRuns, passageTexts, pendingPassageIds } from './store-queries.js';

/** Passages timed by an estimate (after a one-passage warm-up). */
const CALIBRATION_PASSAGES = 8;

export function createGenerationService(manager: ProjectManager): GenqApiImpl['generation'] {
  const project = () => manager.require().project;
  let loaded: { key: string; generator: QueryGenerator } | null = null;
  const generatorFor = async (p: GenerationRunParams, path: string): Promise<QueryGenerator> => {
    const key = `${project().dir}\n${path}\n${p.threads ?? ''}\n${p.provider}`;
    if (loaded?.key === key) return loaded.generator;
    await loaded?.generator.release();
    loaded = null;
    const generator = await QueryGenerator.load(path, { cacheDir: join(project().dir, 'models'), threads: p.threads, provider: p.provider });
    loaded = { key, generator };
    return generator;
  };

  return {
    start: async (input) => {
      const params = generationRunParamsSchema.parse(input);
      generatorModel(project().db, params.modelId); // fail now, not in the worker
      return manager.require().runner.start(GENERATION_RUN_KIND, params);
    },
    estimate: async (input) => {
      const params = generationRunParamsSchema.parse(input);
      const { db } = project();
      const model = generatorModel(db, params.modelId);
      const ids = pendingPassageIds(db, params.scope, 0);
      const generator = await generatorFor(params, model.path);
      // Passages spread over the length-sorted list, so the sample's lengths look like the scope's.
      const step = Math.max(1, Math.floor(ids.length / CALIBRATION_PASSAGES));
      const sample = passageTexts(db, ids.filter((_, i) => i % step === 0).slice(0, CALIBRATION_PASSAGES)).map((p) => ({ key: p.id, text: p.text }));
      if (sample.length === 0) return { passages: 0, secondsPerPassage: 0, seconds: 0, provider: generator.model.provider, device: generator.model.device, calibrationPassages: 0 };
      await generateQueries(generator.model, generator.tokenizer, sample.slice(0, 1), { ...params.settings, maxLength: Math.min(2, params.settings.maxLength), minLength: 0 });
      const t = performance.now();
      await generateQueries(generator.model, generator.tokenizer, sample, params.settings);
      const secondsPerPassage = (performance.now() - t) / 1000 / sample.length;
      // GPU memory after calibration (the model and its decode buffers loaded), where nvidia-smi reports it.
      const device = { ...generator.model.device, memory: await reportDeviceMemory(generator.model.provider) };
      return { passages: ids.length, secondsPerPassage, seconds: secondsPerPassage * ids.length, provider: generator.model.provider, device, calibrationPassages: sample.length };
    },
    // Parsed again so in-process callers that skip the dispatcher get the defaults too.
    count: async ({ scope }) => ({ passages: countScope(project().db, generationScopeSchema.parse(scope ?? {})) }),
    latest: async ({ runId, limit }) => latestQueries(project().db, runId, limit ?? 20),
    runs: async () => listGenerationRuns(project().db),
  };
}
