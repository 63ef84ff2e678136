// A migrated project database in a fresh temp folder, for tests that write rows directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { migrate } from '../../src-main/core/project/migrations.js';
import { openDatabase } from '../../src-main/core/project/store.js';

export interface TestDb {
  db: Database.Database;
  dir: string;
  /** Closes the database and deletes its folder. */
  close(): void;
}

export function tempProjectDb(prefix = 'genq-db-'): TestDb {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = openDatabase(join(dir, 'project.sqlite'));
  migrate(db, dir);
  return {
    db,
    dir,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
