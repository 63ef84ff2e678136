// The corpus stage's job kinds, registered by the composition root (src-main/core/services.ts).
import { basename } from 'node:path';
import { importParamsSchema, type ImportParams } from '../../../shared/services/corpus.js';
import type { JobKindDef } from '../jobs/types.js';

export const CORPUS_IMPORT_KIND = 'corpus.import';

export const corpusImportKind: JobKindDef<ImportParams> = {
  kind: CORPUS_IMPORT_KIND,
  title: (p) => importTitle(p.paths),
  heavy: true,
  params: importParamsSchema,
  handlerModule: new URL('./import-job.js', import.meta.url).href,
};

/** "Import a.txt, b.jsonl", "Import a.txt, b.txt and 3 more": the files by name (dropped files keep theirs; never an upload id). */
export function importTitle(paths: readonly string[]): string {
  const names = paths.map((p) => basename(p));
  return names.length <= 3 ? `Import ${names.join(', ')}` : `Import ${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
}

export const corpusJobKinds: JobKindDef[] = [corpusImportKind as JobKindDef];
