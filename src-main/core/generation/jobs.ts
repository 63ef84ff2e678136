// The generation stage's job kind 'generation.run', registered by the composition root.
import type { z } from 'zod';
import { generationRunParamsSchema, type GenerationRunParams } from '../../../shared/services/generation.js';
import type { JobKindDef } from '../jobs/types.js';

export const GENERATION_RUN_KIND = 'generation.run';

export const generationRunKind: JobKindDef<GenerationRunParams> = {
  kind: GENERATION_RUN_KIND,
  label: 'Generate queries',
  title: (p) => `Generate queries (${p.settings.mode}, ${p.scope.kind === 'filter' ? 'filtered' : p.scope.kind} passages)`,
  heavy: true,
  params: generationRunParamsSchema as unknown as z.ZodType<GenerationRunParams>,
  handlerModule: new URL('./generation-job.js', import.meta.url).href,
};

export const generationJobKinds: JobKindDef[] = [generationRunKind as JobKindDef];
