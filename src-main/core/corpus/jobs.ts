// The corpus stage's job kinds, registered by the composition root (src-main/core/services.ts).
import { basename } from 'node:path';
import { importParamsSchema, type ImportParams } from '../../../shared/services/corpus.js';
import type { JobKindDef } from '../jobs/types.js';

export const CORPUS_IMPORT_KIND = 'corpus.import';

export const corpusImportKind: JobKindDef<ImportParams> = {
  kind: CORPUS_IMPORT_KIND,
  title: (p) => (p.paths.length === 1 ? `Import ${basename(p.paths[0])}` : `Import ${p.paths.length} paths`),
  heavy: true,
  params: importParamsSchema,
  handlerModule: new URL('./import-job.js', import.meta.url).href,
};

export const corpusJobKinds: JobKindDef[] = [corpusImportKind as JobKindDef];
