// Project-level stage locks (table stage_locks, schema v9). Stages that must not run twice at
// once on one project (query generation, importing the same content, one job in two processes)
// take a named lock in a write transaction; a second taker gets StageLockedError naming the
// process and start time. A lock whose holder process is gone (kill -9), or whose job has
// finished, is stale and taken over, so a crash never leaves a project locked.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';

export class StageLockedError extends Error {
  override name = 'StageLockedError';
}

interface LockRow {
  name: string;
  owner: string;
  pid: number;
  host: string;
  job_id: number | null;
  description: string;
  acquired_at: string;
}

export interface StageLock {
  name: string;
  /** The process whose stale lock was taken over, if any. */
  tookOverFrom: { pid: number; description: string; acquiredAt: string } | null;
  /** Deletes the lock if this holder still owns it; safe to call twice. */
  release(): void;
}

/** True when a process with this id exists (EPERM: it exists but belongs to another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A running job's owner writes heartbeat_at every few seconds (jobs/runner.ts); this much silence means it is gone. */
const STALE_JOB_HEARTBEAT_MS = 120_000;

function isStale(db: Database.Database, row: LockRow): boolean {
  if (row.job_id != null) {
    // A job's lock is stale once the job ended without releasing it (worker crash in a live
    // `genq serve`) or its heartbeat stopped (also for a process on another machine).
    const job = db.prepare('SELECT state, heartbeat_at FROM jobs WHERE id = ?').get(row.job_id) as { state: string; heartbeat_at: string | null } | undefined;
    if (!job || (job.state !== 'running' && job.state !== 'queued')) return true;
    if (job.heartbeat_at && Date.now() - Date.parse(job.heartbeat_at) > STALE_JOB_HEARTBEAT_MS) return true;
  }
  // Another machine's process (a project on a shared disk) cannot be checked otherwise.
  if (row.host !== hostname()) return false;
  return !processExists(row.pid);
}

/**
 * Takes the lock `name` or throws StageLockedError. `description` says what runs (shown to the
 * next caller: "Query generation (job 4) is already running in process 123 (started …)").
 */
export function acquireStageLock(db: Database.Database, name: string, description: string, opts: { jobId?: number | null } = {}): StageLock {
  const owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const tookOverFrom = db.transaction((): StageLock['tookOverFrom'] => {
    const row = db.prepare('SELECT * FROM stage_locks WHERE name = ?').get(name) as LockRow | undefined;
    let stale: StageLock['tookOverFrom'] = null;
    if (row) {
      if (!isStale(db, row)) {
        const where = row.host === hostname() ? `process ${row.pid}` : `process ${row.pid} on ${row.host}`;
        throw new StageLockedError(
          `${row.description} is already running in ${where} (started ${row.acquired_at}); wait for it to finish or stop it, then try again`,
        );
      }
      stale = { pid: row.pid, description: row.description, acquiredAt: row.acquired_at };
    }
    db.prepare(
      `INSERT OR REPLACE INTO stage_locks (name, owner, pid, host, job_id, description, acquired_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(name, owner, process.pid, hostname(), opts.jobId ?? null, description, new Date().toISOString());
    return stale;
  }).immediate();
  let released = false;
  return {
    name,
    tookOverFrom,
    release() {
      if (released || !db.open) return;
      released = true;
      db.prepare('DELETE FROM stage_locks WHERE name = ? AND owner = ?').run(name, owner);
    },
  };
}

/** Runs `fn` holding the lock; released when it settles (a crash leaves it stale, see above). */
export async function withStageLock<T>(
  db: Database.Database,
  name: string,
  description: string,
  fn: (lock: StageLock) => Promise<T>,
  opts: { jobId?: number | null; log?(message: string): void } = {},
): Promise<T> {
  const lock = acquireStageLock(db, name, description, opts);
  if (lock.tookOverFrom) {
    const t = lock.tookOverFrom;
    opts.log?.(`Took over the lock of "${t.description}" from process ${t.pid} (started ${t.acquiredAt}), which is no longer running`);
  }
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}

/**
 * The same lock for a folder outside any project (`genq train --output DIR`): a file beside the
 * folder, `<dir>.genq-lock`, created exclusively (inside the folder it would make it non-empty).
 */
export function acquireFolderLock(dir: string, description: string): StageLock {
  const path = `${resolve(dir)}.genq-lock`;
  const owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const mine = JSON.stringify({ owner, pid: process.pid, host: hostname(), description, acquiredAt: new Date().toISOString() });
  let tookOverFrom: StageLock['tookOverFrom'] = null;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      let held: { owner?: string; pid?: number; host?: string; description?: string; acquiredAt?: string } = {};
      try {
        held = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        // Unreadable or half-written by a process that died while writing it: stale.
      }
      const live = typeof held.pid === 'number' && (held.host !== hostname() || processExists(held.pid));
      if (live) {
        const where = held.host === hostname() ? `process ${held.pid}` : `process ${held.pid} on ${held.host}`;
        throw new StageLockedError(`${held.description ?? 'Another run'} is already running in ${where} (started ${held.acquiredAt}); wait for it to finish or stop it, then try again (lock file ${path})`);
      }
      tookOverFrom = { pid: held.pid ?? 0, description: held.description ?? 'unknown', acquiredAt: held.acquiredAt ?? '' };
      rmSync(path, { force: true });
    }
  }
  let released = false;
  return {
    name: path,
    tookOverFrom,
    release() {
      if (released) return;
      released = true;
      try {
        if ((JSON.parse(readFileSync(path, 'utf8')) as { owner?: string }).owner === owner) rmSync(path, { force: true });
      } catch {
        // Already gone.
      }
    },
  };
}
