// The index stage's job kind 'index.build', registered by the composition root
// (src-main/core/services.ts): embed the project's passages with one model version and build or
// incrementally update its HNSW index.
import type { z } from 'zod';
import { indexBuildParamsSchema, mapBuildParamsSchema, type IndexBuildParams, type MapBuildParams } from '../../../shared/services/search.js';
import type { JobKindDef } from '../jobs/types.js';
import { modelName } from '../models/model-names.js';
import { redactRedisUrl } from '../distributed/redis-url.js';

export { indexBuildParamsSchema, type IndexBuildParams };

export const INDEX_BUILD_KIND = 'index.build';

export const indexBuildKind: JobKindDef<IndexBuildParams> = {
  kind: INDEX_BUILD_KIND,
  label: 'Build search index',
  title: (p, db) => `${p.rebuild ? 'Rebuild' : 'Build'} index for ${modelName(db, p.modelId)}${p.workers ? ` on workers (${redactRedisUrl(p.workers.redisUrl)})` : ''}`,
  heavy: true,
  params: indexBuildParamsSchema as z.ZodType<IndexBuildParams>,
  handlerModule: new URL('./index-job.js', import.meta.url).href,
};

export const MAP_BUILD_KIND = 'map.build';

export const mapBuildKind: JobKindDef<MapBuildParams> = {
  kind: MAP_BUILD_KIND,
  label: 'Build embedding map',
  title: (p, db) => `Embedding map for ${modelName(db, p.modelId)}`,
  heavy: true,
  params: mapBuildParamsSchema as z.ZodType<MapBuildParams>,
  handlerModule: new URL('./map-job.js', import.meta.url).href,
};

export const indexJobKinds: JobKindDef[] = [indexBuildKind as JobKindDef, mapBuildKind as JobKindDef];
