// Job kinds of distributed stages, registered by the composition root. Kept apart from the
// handlers so that registering them loads neither BullMQ nor the models.
import type { z } from 'zod';
import { distributedGenerationParamsSchema, type DistributedGenerationParams } from '../../../shared/services/workers.js';
import type { JobKindDef } from '../jobs/types.js';
import { redactRedisUrl } from './redis-url.js';

export { distributedGenerationParamsSchema, workersOptionSchema, type DistributedGenerationParams, type WorkersOption } from '../../../shared/services/workers.js';

export const DISTRIBUTED_GENERATION_KIND = 'distributed.generation';

export const distributedGenerationKind: JobKindDef<DistributedGenerationParams> = {
  kind: DISTRIBUTED_GENERATION_KIND,
  label: 'Generate queries on workers',
  title: (p) => `Generate queries on workers (${p.run.settings.mode}, ${redactRedisUrl(p.workers.redisUrl)})`,
  heavy: true,
  params: distributedGenerationParamsSchema as unknown as z.ZodType<DistributedGenerationParams>,
  handlerModule: new URL('./distributed-generation.js', import.meta.url).href,
};

export const distributedJobKinds: JobKindDef[] = [distributedGenerationKind as JobKindDef];
