// A file's documents carry a marked source_hash until the file's last chunk commits, which flips
// them to the real hash in the same transaction: only whole files count as "already imported".
// Without this, documents of a file whose import stopped mid-file (kill -9, or a job interrupted
// and never resumed) made every later import take the file for imported, and the rest was lost.
//
// What happens to marked documents left behind:
// - a job-less import (the CLI: no checkpoint to resume from) that is gone (its content lock is
//   free): the next import removes them and reads the file whole (removeUnfinishedImports);
// - an interrupted job's: they stay for the job to continue from its checkpoint, unless another
//   import of the same content comes first. That import takes the file over (takeOverFile: the
//   job's documents are removed, the file is imported whole), and the job, resumed, sees its
//   partial file gone (partialStillThere) and skips the file as already imported.
import type Database from 'better-sqlite3';
import { acquireStageLock, StageLockedError } from '../project/locks.js';
import { beginImmediate } from './chunked-commit.js';
import { ImportFileError } from './errors.js';

const UNFINISHED_PREFIX = 'unfinished:';

/** The source_hash that documents of a file still being imported carry. */
export const unfinishedHash = (hash: string): string => `${UNFINISHED_PREFIX}${hash}`;

/** Inside the file's final transaction: its documents count as imported from now on. */
export function markFileFinished(db: Database.Database, hash: string, afterId: number, jobId: number | null): void {
  db.prepare('UPDATE documents SET source_hash = ? WHERE id > ? AND source_hash = ? AND import_job_id IS ?').run(hash, afterId, unfinishedHash(hash), jobId);
}

/**
 * Deletes the documents (passages and FTS rows by cascade) of job-less imports that stopped
 * mid-file. One still running holds `import:<hash>` and is left alone. Call before the
 * PassageWriter is built (its near-duplicate index reads the passages once).
 */
export function removeUnfinishedImports(db: Database.Database, log?: (message: string) => void): void {
  const hashes = db
    .prepare(`SELECT DISTINCT source_hash AS h FROM documents WHERE source_hash >= ? AND source_hash < ? AND import_job_id IS NULL`)
    .pluck()
    .all(UNFINISHED_PREFIX, `${UNFINISHED_PREFIX}\uffff`) as string[];
  for (const marked of hashes) {
    const hash = marked.slice(UNFINISHED_PREFIX.length);
    let lock;
    try {
      lock = acquireStageLock(db, `import:${hash}`, 'An import of this content');
    } catch (err) {
      if (err instanceof StageLockedError) continue; // a live import is writing these
      throw err;
    }
    try {
      const removed = deleteInTransaction(db, 'DELETE FROM documents WHERE source_hash = ? AND import_job_id IS NULL', marked);
      log?.(`Removed ${removed} document(s) of an import that stopped mid-file; the file is imported again whole`);
    } finally {
      lock.release();
    }
  }
}

/**
 * The partial file of a resumed job's checkpoint is still in the project as the job left it: all
 * `documents` of it (one row per document read, whatever dedupe did with its passages). False
 * once another import took the file over (takeOverFile), or partly deleted it some other way;
 * the job must then not continue after `documents`, or it would lose the start of the file (or
 * duplicate it, next to the other import's whole copy).
 */
export function partialStillThere(db: Database.Database, jobId: number, partial: { hash: string; startAfterId: number; documents: number }): boolean {
  const n = db
    .prepare('SELECT count(*) FROM documents WHERE id > ? AND import_job_id = ? AND source_hash IN (?, ?)')
    .pluck()
    .get(partial.startAfterId, jobId, unfinishedHash(partial.hash), partial.hash) as number;
  return n === partial.documents;
}

/**
 * Before an import writes a file: removes what other, interrupted jobs left of the same content
 * mid-file, so that the file ends in the project once (this import reads it whole). Call holding
 * the content lock `import:<hash>`: no live import is writing these. Refused when queries were
 * generated for those passages meanwhile (removing them would lose that work): the job is to be
 * resumed instead. Returns how many documents were removed (the caller's near-duplicate index
 * must then be rebuilt).
 */
export function takeOverFile(db: Database.Database, path: string, hash: string, jobId: number | null, log?: (message: string) => void): number {
  const marked = unfinishedHash(hash);
  const owners = db
    .prepare('SELECT import_job_id AS job, count(*) AS documents FROM documents WHERE source_hash = ? AND import_job_id IS NOT NULL AND import_job_id IS NOT ? GROUP BY import_job_id')
    .all(marked, jobId) as Array<{ job: number; documents: number }>;
  if (owners.length === 0) return 0;
  const jobs = `import job${owners.length > 1 ? 's' : ''} ${owners.map((o) => o.job).join(', ')}`;
  const withQueries = db
    .prepare(
      `SELECT count(*) FROM queries q JOIN passages p ON p.id = q.passage_id JOIN documents d ON d.id = p.document_id
       WHERE d.source_hash = ? AND d.import_job_id IS NOT NULL AND d.import_job_id IS NOT ?`,
    )
    .pluck()
    .get(marked, jobId) as number;
  if (withQueries > 0) {
    throw new ImportFileError(
      path,
      `is partly imported by interrupted ${jobs}, and ${withQueries} quer${withQueries === 1 ? 'y was' : 'ies were'} generated for those passages since; resume the job to finish the file (genq jobs resume), instead of importing it again`,
    );
  }
  const removed = deleteInTransaction(db, 'DELETE FROM documents WHERE source_hash = ? AND import_job_id IS NOT NULL AND import_job_id IS NOT ?', marked, jobId);
  log?.(`${path}: removed ${removed} document(s) that ${jobs} wrote before it was interrupted mid-file; this import reads the file whole, and the job, if resumed, skips it`);
  return removed;
}

function deleteInTransaction(db: Database.Database, sql: string, ...args: unknown[]): number {
  beginImmediate(db);
  try {
    const removed = db.prepare(sql).run(...args).changes;
    db.exec('COMMIT');
    return removed;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
