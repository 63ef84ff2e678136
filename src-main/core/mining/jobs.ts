// The mining stage's job kind 'mining.run', registered by the composition root.
import type { z } from 'zod';
import { miningParamsSchema, type MiningParams } from '../../../shared/services/mining.js';
import type { JobKindDef } from '../jobs/types.js';
import { redactRedisUrl } from '../distributed/redis-url.js';

export const MINING_RUN_KIND = 'mining.run';

export const miningRunKind: JobKindDef<MiningParams> = {
  kind: MINING_RUN_KIND,
  label: 'Mine hard negatives',
  title: (p) =>
    `Mine hard negatives (${p.retrievers.map((r) => (r.kind === 'bm25' ? 'BM25' : `model ${r.modelId}`)).join(' + ')}, k ${p.k}, ${p.negativesPerQuery}/query)` +
    (p.workers ? ` on workers (${redactRedisUrl(p.workers.redisUrl)})` : ''),
  heavy: true,
  params: miningParamsSchema as unknown as z.ZodType<MiningParams>,
  handlerModule: new URL('./mining-job.js', import.meta.url).href,
};

export const miningJobKinds: JobKindDef[] = [miningRunKind as JobKindDef];
