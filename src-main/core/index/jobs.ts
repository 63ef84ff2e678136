// The index stage's job kind 'index.build', registered by the composition root
// (src-main/core/services.ts): embed the project's passages with one model version and build or
// incrementally update its HNSW index.
import { z } from 'zod';
import type { JobKindDef } from '../jobs/types.js';

export const INDEX_BUILD_KIND = 'index.build';

export const indexBuildParamsSchema = z.object({
  /** models.id of the encoder (base model or fine-tuned version). */
  modelId: z.number().int().positive(),
  /** Re-embed everything even when an up-to-date or incrementally updatable index exists. */
  rebuild: z.boolean().default(false),
  M: z.number().int().min(4).max(128).optional(),
  efConstruction: z.number().int().min(8).max(2000).optional(),
  ef: z.number().int().min(1).max(5000).optional(),
  batchSize: z.number().int().min(1).max(1024).default(32),
});
export type IndexBuildParams = z.output<typeof indexBuildParamsSchema>;

export const indexBuildKind: JobKindDef<IndexBuildParams> = {
  kind: INDEX_BUILD_KIND,
  label: 'Build search index',
  title: (p) => `${p.rebuild ? 'Rebuild' : 'Build'} index for model ${p.modelId}`,
  heavy: true,
  params: indexBuildParamsSchema as z.ZodType<IndexBuildParams>,
  handlerModule: new URL('./index-job.js', import.meta.url).href,
};

export const indexJobKinds: JobKindDef[] = [indexBuildKind as JobKindDef];
