// Shared setup for the corpus tests: a migrated project database in a temp folder, fixture
// paths, and parsed import params.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../../../src-main/core/project/store.js';
import { migrate } from '../../../../src-main/core/project/migrations.js';
import { importParamsSchema, type ImportParamsInput, type ImportParams } from '../../../../shared/services/corpus.js';

export const fixturesDir = fileURLToPath(new URL('../../../fixtures/corpus/', import.meta.url));
export const fixture = (name: string) => join(fixturesDir, name);

export function params(input: Partial<ImportParamsInput> & { paths: string[] }): ImportParams {
  return importParamsSchema.parse(input);
}

export interface TestDb {
  db: Database.Database;
  dir: string;
  close(): void;
}

export function tempProjectDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), 'genq-corpus-'));
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

export function count(db: Database.Database, sql: string, ...args: unknown[]): number {
  return (db.prepare(sql).get(...args) as { n: number }).n;
}
