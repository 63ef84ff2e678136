// Shared setup for the corpus tests: a migrated project database in a temp folder, fixture
// paths, and parsed import params.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { importParamsSchema, type ImportParamsInput, type ImportParams } from '../../../../shared/services/corpus.js';
import { tempProjectDb as tempDb, type TestDb } from '../../../helpers/project-db.js';

export type { TestDb };

export const fixturesDir = fileURLToPath(new URL('../../../fixtures/corpus/', import.meta.url));
export const fixture = (name: string) => join(fixturesDir, name);

export function params(input: Partial<ImportParamsInput> & { paths: string[] }): ImportParams {
  return importParamsSchema.parse(input);
}

export const tempProjectDb = (): TestDb => tempDb('genq-corpus-');

export function count(db: Database.Database, sql: string, ...args: unknown[]): number {
  return (db.prepare(sql).get(...args) as { n: number }).n;
}
