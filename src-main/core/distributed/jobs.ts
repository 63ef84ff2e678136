// Job kinds of distributed stages, registered by the composition root. Kept apart from the
// handlers so that registering them loads neither BullMQ nor the models.
import { z } from 'zod';
import { generationRunParamsSchema } from '../../../shared/services/generation.js';
import type { JobKindDef } from '../jobs/types.js';
import { checkRedisUrl, redactRedisUrl } from './redis-url.js';

export const workersOptionSchema = z.object({
  /** redis:// or rediss:// URL of the queue the workers take shards from. */
  redisUrl: z.string().refine((u) => {
    try {
      checkRedisUrl(u);
      return true;
    } catch {
      return false;
    }
  }, 'must be a redis:// or rediss:// URL'),
  /** Passages per shard (default: 8 batches, as the in-process job chunks them). */
  shardSize: z.number().int().min(1).max(100_000).optional(),
  queue: z.string().min(1).optional(),
  /** Shards on the queue at once. */
  window: z.number().int().min(1).max(10_000).optional(),
  resyncMs: z.number().int().min(50).max(60_000).optional(),
});
export type WorkersOption = z.output<typeof workersOptionSchema>;

export const distributedGenerationParamsSchema = z.object({ run: generationRunParamsSchema, workers: workersOptionSchema });
export type DistributedGenerationParams = z.output<typeof distributedGenerationParamsSchema>;

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
