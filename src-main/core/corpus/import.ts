// The corpus import: files → documents → passages. Each file is written in chunks of whole
// documents (chunked-commit.ts) so no import holds the write lock for long; a file that fails or
// is cancelled is removed again, and a crash leaves whole documents, marked unfinished until the
// file's last chunk, that a resumed job continues from (the checkpoint names the partial file);
// without a job, or when another import of the same content comes first, they are removed and
// the file is read whole (unfinished-imports.ts). Plain function over a better-sqlite3
// connection; the job handler (import-job.ts) and the CLI both call it.
import type Database from 'better-sqlite3';
import type { ImportFileReport, ImportParams, ImportReport } from '../../../shared/services/corpus.js';
import type { JobProgressUpdate } from '../jobs/types.js';
import { checkFile, checkGzip, checkTextHead, type ByteCounter, type DecodeLimits } from './decode.js';
import { ImportAbortedError, ImportCancelledError, ImportFileError, MalformedRecordError, UnsupportedFormatError, EmptyFileError } from './errors.js';
import { BINARY_FORMATS, FORMAT_READERS, formatForPath } from './formats/index.js';
import { emptyCounters, MAX_DUPLICATE_EXAMPLES, PassageWriter, type FileCounters } from './passage-writer.js';
import { expandPaths, fileSize, hashFile } from './source-files.js';
import { tokenCounterFor } from './prepare.js';
import { ChunkedFileCommit } from './chunked-commit.js';
import { markFileFinished, partialStillThere, removeUnfinishedImports, takeOverFile, unfinishedHash } from './unfinished-imports.js';
import { acquireStageLock, type StageLock } from '../project/locks.js';
import { createPreparer, defaultWorkerCount, type DocumentPreparer } from './prepare-pool.js';
import { PreparedBatches } from './prepared-batches.js';

export const MAX_RECORD_ERRORS_PER_FILE = 100;

export class FatalImportError extends Error {
  override name = 'FatalImportError';
  constructor(file: string, cause: Error) {
    super(`${file}: could not be committed to the project (${cause.message}); the import stopped`);
  }
}

/** A file committed up to some document when the job stopped (crash, kill -9). */
export interface PartialFileCheckpoint {
  path: string;
  hash: string;
  /** Documents of the file already in the project: a resumed job skips that many. */
  documents: number;
  startAfterId: number;
  counters: FileCounters;
  encoding: ImportFileReport['encoding'];
}

export interface ImportCheckpoint {
  /** Files already committed (absolute paths), and the report up to them. */
  completed: string[];
  report: ImportReport;
  partial?: PartialFileCheckpoint | null;
}

/** Another import committed the same content while this one was reading the file. */
class ImportedMeanwhile extends Error {
  constructor(readonly sourcePath: string | null) {
    super('already imported');
  }
}

export interface ImportHooks {
  signal?: AbortSignal;
  progress?(update: JobProgressUpdate): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  jobId?: number;
  checkpoint?: ImportCheckpoint | null;
  /** Called inside each file's transaction, so the checkpoint commits with the file's rows. */
  saveCheckpoint?(checkpoint: ImportCheckpoint): void;
  /** Threads that chunk and hash documents (0 = this thread); default by import size and cores. */
  workers?: number;
  /** How long one chunk of a file may hold the write lock (default CHUNK_COMMIT_MS; tests use 0). */
  chunkCommitMs?: number;
}

export function emptyReport(params: ImportParams, tokenCounter: string): ImportReport {
  return {
    files: [],
    totals: { files: 0, imported: 0, skipped: 0, failed: 0, documents: 0, passages: 0, droppedShort: 0, recordErrors: 0 },
    duplicates: { exact: 0, near: 0, action: params.dedupe.action, examples: [] },
    skippedReimports: [],
    tokenCounter,
    bytes: 0,
    elapsedMs: 0,
  };
}

function newFileReport(path: string): ImportFileReport {
  return { path, format: null, encoding: null, status: 'imported', bytes: 0, documents: 0, passages: 0, duplicates: 0, droppedShort: 0, errors: [], errorCount: 0 };
}

export async function importCorpus(db: Database.Database, params: ImportParams, hooks: ImportHooks = {}): Promise<ImportReport> {
  const started = Date.now();
  const counter = tokenCounterFor(params.chunking.tokenizerDir);
  const report: ImportReport = hooks.checkpoint?.report ?? emptyReport(params, counter.label);
  const completed = new Set(hooks.checkpoint?.completed ?? []);
  let partial = hooks.checkpoint?.partial ?? null;
  const limits: DecodeLimits = { maxFileBytes: params.maxFileMB * 1024 * 1024, maxGzipRatio: params.maxGzipRatio };
  const { files, ignored } = await expandPaths(params.paths, params.format);
  if (ignored.length) hooks.log?.('info', `Ignored ${ignored.length} file(s) with unsupported extensions, e.g. ${ignored[0]}`);
  const sizes = await Promise.all(files.map(fileSize));
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  // Before the writer: its near-duplicate index must not hold passages deleted here.
  removeUnfinishedImports(db, (message) => hooks.log?.('info', message));
  // Rebuilt when a file is taken over from an interrupted job (its near-duplicate index held the passages removed).
  let writer = new PassageWriter(db, params, hooks.jobId ?? null);
  const { maxTokens, overlapTokens, minChars, tokenizerDir } = params.chunking;
  // Started with the first file that is written (threads are not worth it for skipped files).
  let preparer: DocumentPreparer | null = null;
  const startPreparer = () =>
    (preparer ??= createPreparer(
      { maxTokens, overlapTokens, minChars, tokenizerDir, near: params.dedupe.near },
      counter.count,
      hooks.workers ?? defaultWorkerCount(totalBytes),
    ));
  try {
    return await importFiles();
  } finally {
    await (preparer as DocumentPreparer | null)?.close();
  }

  async function importFiles(): Promise<ImportReport> {
    const findSource = db.prepare<[string], { source_path: string | null; import_job_id: number | null }>(
      'SELECT source_path, import_job_id FROM documents WHERE source_hash = ? LIMIT 1',
    );
    const countsOf = db.prepare<[string, number], { documents: number; passages: number }>(
      `SELECT count(DISTINCT d.id) AS documents, count(p.id) AS passages
       FROM documents d LEFT JOIN passages p ON p.document_id = d.id WHERE d.source_hash = ? AND d.import_job_id = ?`,
    );
    let lastCheckpointAt = 0;
    const hashesThisRun = new Set<string>();
    let bytesBefore = 0;
    let passagesSoFar = report.totals.passages;
    const progress = (file: string, bytesInFile: number, passagesInFile: number) =>
      hooks.progress?.({
        done: bytesBefore + bytesInFile,
        total: totalBytes,
        unit: 'bytes',
        message: `${file} · ${(passagesSoFar + passagesInFile).toLocaleString('en-US')} passages`,
      });

    const skipReimport = (entry: ImportFileReport, earlierPath: string | null) => {
      entry.status = 'skipped';
      entry.message = `${entry.path}: already imported (same content as ${earlierPath ?? 'an earlier import'}); set reimport to import it again`;
      report.skippedReimports.push(entry.path);
      hooks.log?.('info', entry.message);
    };

    for (let f = 0; f < files.length; f++) {
      const path = files[f];
      if (hooks.signal?.aborted) throw new ImportCancelledError();
      if (completed.has(path)) {
        bytesBefore += sizes[f];
        continue;
      }
      const entry = newFileReport(path);
      const bytes: ByteCounter = { rawBytes: 0 };
      let counters: FileCounters = emptyCounters();
      let chunks: ChunkedFileCommit | null = null;
      let hash = '';
      // What this file's documents carry while it is written: a marked hash, flipped in the final
      // chunk, so a file stopped mid-way never counts as imported (unfinished-imports.ts).
      let writtenHash = '';
      let contentLock: StageLock | null = null;
      try {
        const { size, gzip } = await checkFile(path, limits);
        entry.bytes = size;
        const format = params.format !== 'auto' ? params.format : formatForPath(path);
        if (!format) throw new UnsupportedFormatError(path, 'has an unsupported extension (supported: txt, md, jsonl, json, csv, tsv, html, pdf, docx, optionally .gz)');
        entry.format = format;
        // Cheap refusals before the file is hashed or read: bombs, truncated gzip, binary data.
        if (gzip) await checkGzip(path, limits);
        else if (!BINARY_FORMATS.has(format)) await checkTextHead(path, params.encoding);
        hash = await hashFile(path, hooks.signal);
        let resumed = partial && partial.path === path && partial.hash === hash ? partial : null;
        if (resumed && !partialStillThere(db, hooks.jobId!, resumed)) {
          // Another import of the same content took the file over while this job was stopped.
          hooks.log?.('info', `${path}: the ${resumed.documents} document(s) this job had written before it stopped were removed by another import of the same content; the file is not continued`);
          resumed = null;
          partial = null;
        }
        const earlier = resumed ? null : findSource.get(hash);
        if (earlier && hooks.jobId !== undefined && earlier.import_job_id === hooks.jobId && !hashesThisRun.has(hash)) {
          // Committed by this same job before it was interrupted (after its last checkpoint).
          const done = countsOf.get(hash, hooks.jobId)!;
          Object.assign(entry, { ...done, message: `${path}: imported before the job was resumed` });
          addToTotals(report, { ...emptyCounters(), ...done }, entry);
          report.files.push(entry);
          completed.add(path);
        } else if (earlier && !params.reimport) {
          skipReimport(entry, earlier.source_path);
        } else {
          // Two imports of the same content at once: the second is told who is importing it.
          contentLock = acquireStageLock(db, `import:${hash}`, `An import of this content (${path})`, { jobId: hooks.jobId });
          if (!resumed && takeOverFile(db, path, hash, hooks.jobId ?? null, (message) => hooks.log?.('warn', message)) > 0) {
            writer = new PassageWriter(db, params, hooks.jobId ?? null);
          }
          const fileHash = hash;
          writtenHash = unfinishedHash(hash);
          const partialNow = (): PartialFileCheckpoint => ({
            path, hash: fileHash, documents: counters.documents, startAfterId: chunks!.startAfterId, counters, encoding: entry.encoding,
          });
          chunks = new ChunkedFileCommit(db, writer, {
            onFirstOpen: () => {
              // Inside the write transaction: of two imports of the same content, the second sees the first.
              const meanwhile = params.reimport ? undefined : findSource.get(fileHash);
              if (meanwhile) throw new ImportedMeanwhile(meanwhile.source_path);
            },
            beforeCommit: (final) => {
              if (!final) return hooks.saveCheckpoint?.({ completed: [...completed], report, partial: partialNow() });
              markFileFinished(db, fileHash, chunks!.startAfterId, hooks.jobId ?? null);
              addFileToReport();
              // Throttled: the checkpoint is JSON of the whole report. Files committed after the last
              // one are recognised on resume by their source_hash + import_job_id (see above); a file
              // that committed chunks always checkpoints, or a resume would take it for partial.
              if (hooks.saveCheckpoint && (chunks!.committedChunks > 0 || Date.now() - lastCheckpointAt > 2000 || f === files.length - 1)) {
                lastCheckpointAt = Date.now();
                hooks.saveCheckpoint({ completed: [...completed], report, partial: null });
              }
            },
          }, hooks.chunkCommitMs, hooks.chunkCommitMs === 0 ? 0 : undefined);
          let skipDocuments = 0;
          if (resumed) {
            chunks.resumePartial(resumed.startAfterId);
            counters = resumed.counters;
            entry.encoding = resumed.encoding;
            skipDocuments = resumed.documents;
            hooks.log?.('info', `${path}: continuing after the ${skipDocuments} document(s) committed before the job stopped`);
          }
          const items = FORMAT_READERS[format]({
            path, gzip, limits, counter: bytes, encoding: params.encoding, fields: params.fields,
            onEncoding: (enc) => (entry.encoding = enc),
          });
          let lastProgress = 0;
          const source = { path, hash: writtenHash, format };
          // Documents are prepared (chunked, hashed) ahead, in batches, and written in order.
          const batches = new PreparedBatches(startPreparer(), (doc, prepared) => {
            chunks!.ensureOpen();
            writer.write(doc, prepared, source, counters);
            const now = Date.now();
            if (now - lastProgress > 100) {
              lastProgress = now;
              progress(path, bytes.rawBytes, counters.passages);
            }
          }, () => chunks!.maybeCommit());
          try {
            for await (const item of items) {
              if (hooks.signal?.aborted) throw new ImportCancelledError();
              if (skipDocuments > 0) {
                if (item.doc) skipDocuments--;
                continue;
              }
              if (item.error) {
                if (params.onError === 'abort') throw new MalformedRecordError(path, item.error.message, item.error.line);
                entry.errorCount++;
                if (entry.errors.length < MAX_RECORD_ERRORS_PER_FILE) entry.errors.push(item.error);
                continue;
              }
              await batches.add(item.doc);
            }
            await batches.finish();
            if (hooks.signal?.aborted) throw new ImportCancelledError();
          } finally {
            batches.discard();
          }
          if (counters.documents === 0) {
            throw new EmptyFileError(path, entry.errorCount ? `no usable records (${entry.errorCount} bad, first: ${entry.errors[0].message})` : 'contains no text');
          }
          const addFileToReport = () => {
            Object.assign(entry, { documents: counters.documents, passages: counters.passages, duplicates: counters.exact + counters.near, droppedShort: counters.droppedShort });
            if (entry.errorCount) entry.message = `${path}: ${entry.errorCount} bad record(s) skipped, first: ${entry.errors[0].message}`;
            addToTotals(report, counters, entry);
            report.files.push(entry);
            completed.add(path);
          };
          try {
            chunks.commit(true);
          } catch (e) {
            // The report already counts this file; a failed COMMIT (disk full, I/O) ends the import.
            throw new FatalImportError(path, e as Error);
          }
          if (partial?.path === path) partial = null;
          hashesThisRun.add(hash);
          passagesSoFar += counters.passages;
          hooks.log?.('info', `${path}: ${counters.documents} document(s), ${counters.passages} passage(s)`);
        }
      } catch (err) {
        if (err instanceof FatalImportError) {
          try {
            chunks?.rollback(writtenHash, hooks.jobId ?? null);
          } catch {
            // The database refuses writes (disk full, I/O): the import stops with the first error.
          }
          throw err;
        }
        // Whatever of the file is in the project goes again: rollback of the open chunk, delete of committed ones.
        chunks?.rollback(writtenHash, hooks.jobId ?? null, () =>
          hooks.saveCheckpoint?.({ completed: [...completed], report, partial: null }),
        );
        if (partial?.path === path) partial = null;
        if (err instanceof ImportedMeanwhile) {
          skipReimport(entry, err.sourcePath);
        } else {
          if (err instanceof ImportCancelledError || hooks.signal?.aborted) throw new ImportCancelledError();
          const failure = err instanceof ImportFileError ? err : new ImportFileError(path, (err as Error).message ?? String(err));
          if (report.files.at(-1) === entry) report.files.pop(); // added just before a failed COMMIT
          // A core error met while importing the file (StageLockedError, DatabaseBusyError) keeps its own name.
          const errorName = failure === err || (err as Error).name === 'Error' ? failure.name : (err as Error).name;
          Object.assign(entry, { status: 'failed', message: failure.message, errorName, documents: 0, passages: 0, duplicates: 0, droppedShort: 0 });
          hooks.log?.('error', failure.message);
          if (params.onError === 'abort') {
            report.files.push(entry);
            throw new ImportAbortedError(failure);
          }
        }
      } finally {
        contentLock?.release();
      }
      if (entry.status !== 'imported') {
        report.files.push(entry);
        report.totals[entry.status === 'skipped' ? 'skipped' : 'failed']++;
        report.totals.files++;
      }
      bytesBefore += sizes[f];
      progress(path, 0, 0);
    }
    report.elapsedMs += Date.now() - started;
    return report;
  }
}

function addToTotals(report: ImportReport, c: FileCounters, entry: ImportFileReport): void {
  const t = report.totals;
  t.files++;
  t.imported++;
  t.documents += c.documents;
  t.passages += c.passages;
  t.droppedShort += c.droppedShort;
  t.recordErrors += entry.errorCount;
  report.bytes += entry.bytes;
  report.duplicates.exact += c.exact;
  report.duplicates.near += c.near;
  for (const ex of c.examples) if (report.duplicates.examples.length < MAX_DUPLICATE_EXAMPLES) report.duplicates.examples.push(ex);
}
