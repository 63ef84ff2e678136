// corpus.* of the API: imports run as 'corpus.import' jobs on the open project's runner; the
// read methods query the project database directly.
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { GenqApiImpl } from '../../../shared/api.js';
import { importParamsSchema, type ImportParams } from '../../../shared/services/corpus.js';
import { packageInfo } from '../app/package-info.js';
import type { ProjectManager } from '../project/project-manager.js';
import { corpusStats, deleteSource, getDocument, listDocuments, listPassages } from './corpus-queries.js';
import { CORPUS_IMPORT_KIND } from './jobs.js';

export function sampleCorpusDir(): string {
  // In a packaged app the sample is unpacked next to app.asar (electron-builder.yml), because the
  // import job reads it from a worker thread, which does not see inside the archive.
  return join(packageInfo().root, 'assets', 'sample', 'moby-dick').replace(/app\.asar(?=[\\/])/, 'app.asar.unpacked');
}

/** Counts tokens with the project's (latest) generation model when the user did not pick a tokenizer. */
export function withProjectTokenizer(db: Database.Database, params: ImportParams): ImportParams {
  if (params.chunking.tokenizerDir) return params;
  const generator = db.prepare("SELECT path FROM models WHERE role = 'generator' ORDER BY id DESC LIMIT 1").get() as { path: string } | undefined;
  return generator ? { ...params, chunking: { ...params.chunking, tokenizerDir: generator.path } } : params;
}

export function createCorpusService(manager: ProjectManager): GenqApiImpl['corpus'] {
  const db = () => manager.require().project.db;
  const withTokenizer = (params: ImportParams) => withProjectTokenizer(db(), params);
  return {
    // Parsed again so in-process callers that skip the dispatcher get the defaults too.
    startImport: async (params) => manager.require().runner.start(CORPUS_IMPORT_KIND, withTokenizer(importParamsSchema.parse(params))),
    importSample: async () => manager.require().runner.start(CORPUS_IMPORT_KIND, withTokenizer(importParamsSchema.parse({ paths: [sampleCorpusDir()] }))),
    listPassages: async (filter) => listPassages(db(), filter),
    listDocuments: async (filter) => listDocuments(db(), filter),
    getDocument: async ({ id }) => getDocument(db(), id),
    stats: async ({ bucketSize }) => corpusStats(db(), bucketSize),
    deleteSource: async ({ sourcePath }) => deleteSource(db(), sourcePath),
  };
}
