// A file imported without a job checkpoint (the CLI) commits in chunks but has no record of
// where it stopped, so a kill -9 mid-file used to leave documents carrying the file's hash: the
// re-run took the file for "already imported" and the rest was lost. Such documents carry a
// marked hash until the file's last chunk commits, which flips them to the real hash in the
// same transaction; marked documents are never "imported", and the next import removes those
// of a run that is gone (its content lock is free) before it starts.
import type Database from 'better-sqlite3';
import { acquireStageLock, StageLockedError } from '../project/locks.js';
import { beginImmediate } from './chunked-commit.js';

const UNFINISHED_PREFIX = 'unfinished:';

/** The source_hash that documents of a file still being imported (without a job) carry. */
export const unfinishedHash = (hash: string): string => `${UNFINISHED_PREFIX}${hash}`;

/** Inside the file's final transaction: its documents count as imported from now on. */
export function markFileFinished(db: Database.Database, hash: string, afterId: number): void {
  db.prepare('UPDATE documents SET source_hash = ? WHERE id > ? AND source_hash = ?').run(hash, afterId, unfinishedHash(hash));
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
      beginImmediate(db);
      try {
        const removed = db.prepare('DELETE FROM documents WHERE source_hash = ? AND import_job_id IS NULL').run(marked).changes;
        db.exec('COMMIT');
        log?.(`Removed ${removed} document(s) of an import that stopped mid-file; the file is imported again whole`);
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      lock.release();
    }
  }
}
