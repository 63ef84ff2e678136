// Corpus: import text collections as documents → passages, browse, search and inspect them.
// The import params schema lives here so the UI, the CLI and the job kind validate the same way.
import { z } from 'zod';
import { method } from '../contract.js';
import type { JobSnapshot } from './jobs.js';

export const CORPUS_FORMATS = ['txt', 'md', 'jsonl', 'json', 'csv', 'tsv', 'html', 'pdf', 'docx'] as const;
export type CorpusFormat = (typeof CORPUS_FORMATS)[number];
export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'latin1', 'windows-1252'] as const;

export const chunkingSchema = z.object({
  /** Token budget per passage (the sentence-transformers GenQ example truncates at 300). */
  maxTokens: z.number().int().min(8).max(8192).default(300),
  overlapTokens: z.number().int().min(0).max(4096).default(0),
  /** Shorter passages are dropped (page numbers, stray headings). */
  minChars: z.number().int().min(0).max(10_000).default(20),
  /** Model folder whose tokenizer counts tokens; when absent the project's generator model is used, else an estimate. */
  tokenizerDir: z.string().min(1).optional(),
});

export const dedupeSchema = z.object({
  exact: z.boolean().default(true),
  near: z.boolean().default(true),
  /** Jaccard similarity of word 3-shingles at or above which passages count as near-duplicates. */
  threshold: z.number().min(0.5).max(1).default(0.9),
  /** drop: duplicates are not stored; keep: stored with passages.duplicate_of set. */
  action: z.enum(['drop', 'keep']).default('keep'),
});

export const importParamsSchema = z
  .object({
    /** Files and folders (folders are walked recursively; hidden files are skipped). */
    paths: z.array(z.string().trim().min(1)).min(1, 'at least one file or folder is required'),
    /** Forces one format for all files; 'auto' uses the extension (under any .gz). */
    format: z.enum(['auto', ...CORPUS_FORMATS]).default('auto'),
    encoding: z.enum(['auto', ...TEXT_ENCODINGS]).default('auto'),
    /** JSON/JSONL fields or CSV/TSV columns (dot paths allowed for JSON); auto-detected when absent (BEIR _id/title/text). */
    fields: z
      .object({ text: z.string().min(1).optional(), id: z.string().min(1).optional(), title: z.string().min(1).optional() })
      .prefault({}),
    chunking: chunkingSchema.prefault({}),
    dedupe: dedupeSchema.prefault({}),
    /** skip: report the bad record or file and go on; abort: stop at the first error. */
    onError: z.enum(['skip', 'abort']).default('skip'),
    /** Largest file accepted, on disk and decompressed. */
    maxFileMB: z.number().positive().max(1024 * 1024).default(2048),
    /** A .gz expanding more than this many times is treated as a gzip bomb. */
    maxGzipRatio: z.number().min(2).default(200),
    /** Import files even when a file with the same content was imported before. */
    reimport: z.boolean().default(false),
  })
  .refine((p) => p.chunking.overlapTokens < p.chunking.maxTokens, { message: 'chunking.overlapTokens must be below chunking.maxTokens', path: ['chunking', 'overlapTokens'] });

export type ImportParams = z.output<typeof importParamsSchema>;
export type ImportParamsInput = z.input<typeof importParamsSchema>;

export interface ImportRecordError {
  line?: number;
  message: string;
}

export interface ImportFileReport {
  path: string;
  format: CorpusFormat | null;
  encoding: string | null;
  status: 'imported' | 'skipped' | 'failed';
  /** Why it was skipped or failed (names the file, and the line where one applies). */
  message?: string;
  errorName?: string;
  bytes: number;
  documents: number;
  passages: number;
  duplicates: number;
  droppedShort: number;
  /** Bad records that were skipped (first 100), with their total count. */
  errors: ImportRecordError[];
  errorCount: number;
}

export interface DuplicateExample {
  kind: 'exact' | 'near';
  similarity: number;
  file: string;
  text: string;
  duplicateOf: number;
  duplicateOfText: string;
}

export interface ImportReport {
  files: ImportFileReport[];
  totals: { files: number; imported: number; skipped: number; failed: number; documents: number; passages: number; droppedShort: number; recordErrors: number };
  duplicates: { exact: number; near: number; action: 'drop' | 'keep'; examples: DuplicateExample[] };
  skippedReimports: string[];
  tokenCounter: string;
  bytes: number;
  elapsedMs: number;
}

export interface PassageRow {
  id: number;
  documentId: number;
  ordinal: number;
  title: string | null;
  text: string;
  charStart: number | null;
  charEnd: number | null;
  tokenCount: number | null;
  duplicateOf: number | null;
  split: 'train' | 'eval';
  sourcePath: string | null;
}

export interface DocumentRow {
  id: number;
  externalId: string | null;
  title: string | null;
  sourcePath: string | null;
  format: string | null;
  chars: number;
  passageCount: number;
}

export interface DocumentDetail extends DocumentRow {
  text: string;
  passages: Array<{ id: number; ordinal: number; title: string | null; charStart: number | null; charEnd: number | null; tokenCount: number | null; duplicateOf: number | null }>;
}

export interface CorpusStats {
  documents: number;
  passages: number;
  /** Passages that are not marked as duplicates. */
  originals: number;
  duplicates: { exact: number; near: number };
  tokens: { total: number; mean: number; max: number };
  /** Token-length histogram over all passages: [from, to) buckets. */
  histogram: Array<{ from: number; to: number; count: number }>;
  sources: Array<{ sourcePath: string | null; format: string | null; documents: number; passages: number }>;
}

const page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(100) };

export const corpusContract = {
  /** Starts a 'corpus.import' job. */
  startImport: method<JobSnapshot>()(importParamsSchema),
  /** Imports the bundled Moby-Dick chapters. */
  importSample: method<JobSnapshot>()(z.object({})),
  listPassages: method<{ total: number; rows: PassageRow[] }>()(
    z.object({
      ...page,
      /** Full-text search (FTS5; words are ANDed, the last one is a prefix). */
      search: z.string().trim().max(500).optional(),
      documentId: z.number().int().positive().optional(),
      minTokens: z.number().int().min(0).optional(),
      maxTokens: z.number().int().min(0).optional(),
      duplicates: z.enum(['all', 'hide', 'only']).default('all'),
    }),
  ),
  listDocuments: method<{ total: number; rows: DocumentRow[] }>()(z.object({ ...page, search: z.string().trim().max(500).optional() })),
  getDocument: method<DocumentDetail>()(z.object({ id: z.number().int().positive() })),
  stats: method<CorpusStats>()(z.object({ bucketSize: z.number().int().min(1).max(1000).default(25) })),
  /** Removes every document (and its passages) imported from this source path. */
  deleteSource: method<{ documents: number; passages: number }>()(z.object({ sourcePath: z.string().min(1) })),
};
