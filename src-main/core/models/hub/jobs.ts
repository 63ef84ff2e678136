// The model manager's job kind, registered by the composition root (src-main/core/services.ts).
import { modelsPullParamsSchema, type ModelsPullParams } from '../../../../shared/services/models.js';
import type { JobKindDef } from '../../jobs/types.js';

export const MODELS_DOWNLOAD_KIND = 'models.download';

export const modelsDownloadKind: JobKindDef<ModelsPullParams> = {
  kind: MODELS_DOWNLOAD_KIND,
  label: 'Download model',
  title: (p) => `Download ${p.repo}${p.revision && p.revision !== 'main' ? `@${p.revision}` : ''}`,
  // Network-bound: downloads of different models may run side by side (the cache lock serialises the same one).
  heavy: false,
  params: modelsPullParamsSchema,
  handlerModule: new URL('./download-job.js', import.meta.url).href,
};

export const hubJobKinds: JobKindDef[] = [modelsDownloadKind as JobKindDef];
