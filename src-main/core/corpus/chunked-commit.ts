// One file's writes, committed in bounded chunks instead of one transaction per file: a 40 MB
// file used to hold the project's write lock for the whole import, so every other writer (job
// heartbeats, the web server, a concurrent `genq generate`) waited past busy_timeout and failed.
// Chunks hold whole documents only (a commit happens between documents), the write lock is
// taken lazily at the first document of a chunk, and a file that fails or is cancelled after
// some chunks committed is deleted again, so the project ends as if the file was never read.
import type Database from 'better-sqlite3';
import { isBusyError } from '../project/busy.js';
import type { PassageWriter } from './passage-writer.js';

/** A chunk is committed once it has been open this long (checked after each written batch). */
export const CHUNK_COMMIT_MS = 1000;
/**
 * Pause after each chunk before the next takes the write lock. Another process waiting for the
 * lock polls (SQLite's busy handler sleeps up to 100 ms between tries); re-taking the lock at
 * once would starve it, as if the file were one transaction. Costs under a tenth of the time.
 */
export const CHUNK_GAP_MS = 100;

/** BEGIN IMMEDIATE, waiting out a busy database (each try already waits busy_timeout). */
export function beginImmediate(db: Database.Database, tries = 24): void {
  for (let attempt = 1; ; attempt++) {
    try {
      db.exec('BEGIN IMMEDIATE');
      return;
    } catch (err) {
      if (!isBusyError(err) || attempt >= tries) throw err;
    }
  }
}

export interface ChunkHooks {
  /** Runs inside the first chunk's transaction, before anything is written (race-free checks). */
  onFirstOpen(): void;
  /** Runs inside each transaction just before COMMIT (e.g. the job checkpoint). `final` for the file's last. */
  beforeCommit(final: boolean): void;
}

export class ChunkedFileCommit {
  private open = false;
  private chunkStarted = 0;
  private opened = false;
  /** Chunks of this file already committed (the file is partly in the project). */
  committedChunks = 0;
  /** Highest documents.id before this file's first document: the cleanup boundary. */
  startAfterId = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly writer: PassageWriter,
    private readonly hooks: ChunkHooks,
    private readonly chunkMs: number = CHUNK_COMMIT_MS,
    private readonly gapMs: number = CHUNK_GAP_MS,
  ) {}

  /** Continues a file that a crashed or interrupted run had partly committed. */
  resumePartial(startAfterId: number): void {
    this.opened = true;
    this.startAfterId = startAfterId;
    this.committedChunks = 1;
  }

  get inTransaction(): boolean {
    return this.open;
  }

  /** Call before writing a document. */
  ensureOpen(): void {
    if (this.open) return;
    beginImmediate(this.db);
    this.open = true;
    this.chunkStarted = Date.now();
    if (!this.opened) {
      this.opened = true;
      this.startAfterId = (this.db.prepare('SELECT coalesce(max(id), 0) AS id FROM documents').get() as { id: number }).id;
      this.hooks.onFirstOpen();
    }
    this.writer.beginFile();
  }

  /**
   * Call between documents when awaiting is possible (after each written batch): commits the
   * chunk once it is old enough and leaves the lock free for a moment.
   */
  async maybeCommit(): Promise<void> {
    if (!this.open || Date.now() - this.chunkStarted < this.chunkMs) return;
    this.commit(false);
    await new Promise((r) => setTimeout(r, this.gapMs));
  }

  /** Commits what is open (opening a transaction if none is, so the final hook always runs). */
  commit(final: boolean): void {
    if (!this.open) {
      if (!final) return;
      this.ensureOpen();
    }
    this.writer.finishFile();
    this.hooks.beforeCommit(final);
    this.db.exec('COMMIT');
    this.open = false;
    this.committedChunks++;
  }

  /**
   * Undoes the file: rolls back the open chunk and deletes the documents (and by cascade the
   * passages and their FTS rows) of chunks already committed. `inCleanup` runs inside that
   * delete's transaction (e.g. a checkpoint that forgets the partial file).
   */
  rollback(sourceHash: string, jobId: number | null, inCleanup?: () => void): void {
    if (this.open && this.db.inTransaction) this.db.exec('ROLLBACK');
    this.open = false;
    if (!this.committedChunks) return;
    beginImmediate(this.db);
    try {
      this.db
        .prepare('DELETE FROM documents WHERE id > ? AND source_hash = ? AND import_job_id IS ?')
        .run(this.startAfterId, sourceHash, jobId);
      inCleanup?.();
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
    this.committedChunks = 0;
  }
}
