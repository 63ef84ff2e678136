// A project is a folder: project.sqlite plus folders for models, indexes, checkpoints and exports.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import type { ProjectInfo } from '../../../shared/services/projects.js';
import { migrate, schemaVersion } from './migrations.js';
import { NotAProjectError, ProjectExistsError } from './errors.js';

export const PROJECT_DB_FILE = 'project.sqlite';
export const PROJECT_SUBDIRS = ['models', 'indexes', 'checkpoints', 'exports'] as const;

export interface OpenProject {
  dir: string;
  dbPath: string;
  db: Database.Database;
  info: ProjectInfo;
  close(): void;
}

/** How long a job worker's connection waits for the write lock: it blocks no UI, so long. */
export const WORKER_BUSY_TIMEOUT_MS = 120_000;

/**
 * Opens a connection with the settings every connection (main and workers) must use.
 * `busyTimeoutMs`: the main thread keeps 5 s (it blocks the event loop while it waits and
 * retries with backoff instead, see busy.ts); job workers pass WORKER_BUSY_TIMEOUT_MS.
 */
export function openDatabase(dbPath: string, options: { mustExist?: boolean; busyTimeoutMs?: number } = {}): Database.Database {
  const db = new Database(dbPath, { fileMustExist: options.mustExist ?? false });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // Main and worker connections write concurrently; wait instead of failing with SQLITE_BUSY.
  db.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs ?? 5000)}`);
  db.pragma('synchronous = NORMAL');
  // 64 MiB page cache: bulk curation updates touch every row of the queries table and its indexes.
  db.pragma('cache_size = -65536');
  return db;
}

export function isProjectDir(dir: string): boolean {
  return existsSync(join(dir, PROJECT_DB_FILE));
}

export function createProject(dir: string, opts: { name?: string; appVersion: string }): OpenProject {
  const abs = resolve(dir);
  if (isProjectDir(abs)) throw new ProjectExistsError(abs);
  if (existsSync(abs) && !statSync(abs).isDirectory()) throw new Error(`${abs} exists and is not a folder; choose a folder for the project.`);
  mkdirSync(abs, { recursive: true });
  const project = openAt(abs, opts.appVersion, false);
  const meta = project.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  project.db.transaction(() => {
    meta.run('name', opts.name?.trim() || basename(abs));
    meta.run('created_at', new Date().toISOString());
    meta.run('app_version', opts.appVersion);
  })();
  project.info = readProjectInfo(project.db, abs);
  return project;
}

export function openProject(dir: string, opts: { appVersion: string }): OpenProject {
  const abs = resolve(dir);
  if (!isProjectDir(abs)) throw new NotAProjectError(abs);
  return openAt(abs, opts.appVersion, true);
}

function openAt(abs: string, appVersion: string, mustExist: boolean): OpenProject {
  const dbPath = join(abs, PROJECT_DB_FILE);
  const db = openDatabase(dbPath, { mustExist });
  try {
    migrate(db, abs);
    for (const sub of PROJECT_SUBDIRS) mkdirSync(join(abs, sub), { recursive: true });
    if (mustExist) db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('app_version', ?)").run(appVersion);
  } catch (err) {
    db.close();
    throw err;
  }
  const project: OpenProject = {
    dir: abs,
    dbPath,
    db,
    info: readProjectInfo(db, abs),
    close: () => {
      if (db.open) db.close();
    },
  };
  return project;
}

export function readProjectInfo(db: Database.Database, dir: string): ProjectInfo {
  const rows = db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>;
  const meta = new Map(rows.map((r) => [r.key, r.value]));
  return {
    dir,
    name: meta.get('name') ?? basename(dir),
    schemaVersion: schemaVersion(db),
    createdAt: meta.get('created_at') ?? '',
  };
}
