// Checks made before a project folder is opened or created, so that a refusal leaves the disk as
// it was: a 0-byte or foreign project.sqlite is never migrated into a project (nor switched to
// WAL, which rewrites another application's file header), and a folder that cannot be made
// fails at once instead of hanging (Node's recursive mkdir loops forever under /proc).
import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_DB_FILE } from './store.js';

export class NotAProjectDatabaseError extends Error {
  override name = 'NotAProjectDatabaseError';
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(`${path} ${why}; it is not a GenQ Workbench project and was left unchanged. Move it away or choose another folder.`);
  }
}

export class ProjectFolderError extends Error {
  override name = 'ProjectFolderError';
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(SQLITE_HEADER.length);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Throws NotAProjectDatabaseError unless dir/project.sqlite is an SQLite database with
 * GenQ Workbench's tables. Reads only (a read-only connection): nothing is written on refusal.
 */
export function assertProjectDatabase(dir: string): void {
  const path = join(resolve(dir), PROJECT_DB_FILE);
  const info = statSync(path);
  if (!info.isFile()) throw new NotAProjectDatabaseError(path, 'is not a file');
  if (info.size === 0) throw new NotAProjectDatabaseError(path, 'is empty (0 bytes)');
  if (!readHeader(path).equals(SQLITE_HEADER)) throw new NotAProjectDatabaseError(path, 'is not an SQLite database (file is not a database)');
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new NotAProjectDatabaseError(path, `cannot be read as a database (${(err as Error).message})`);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const meta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (version < 1 || !meta) throw new NotAProjectDatabaseError(path, "is an SQLite database of another application (no GenQ Workbench 'meta' table or schema version)");
  } catch (err) {
    if (err instanceof NotAProjectDatabaseError) throw err;
    throw new NotAProjectDatabaseError(path, `cannot be read as a database (${(err as Error).message})`);
  } finally {
    db.close();
  }
}

/**
 * Creates dir and its missing parents one level at a time (each mkdir fails at once where the
 * filesystem refuses), after checking the nearest existing ancestor is a folder.
 */
export function makeProjectFolder(dir: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let existing = abs;
  for (;;) {
    let st;
    try {
      st = statSync(existing);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) throw new ProjectFolderError(`${abs}: no existing folder above it`);
      missing.unshift(existing);
      existing = parent;
      continue;
    }
    if (!st.isDirectory()) throw new ProjectFolderError(`${existing} exists and is not a folder; choose a folder for the project.`);
    break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      throw new ProjectFolderError(`${abs}: cannot create the folder ${d} (${code ?? (err as Error).message})`);
    }
  }
}
