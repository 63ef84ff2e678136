// Versioned schema migrations, tracked with PRAGMA user_version. Later issues append
// {version: N, sql} entries (each in its own schema-vN.ts); never edit a released one.
import type Database from 'better-sqlite3';
import { SCHEMA_V1 } from './schema-v1.js';
import { SCHEMA_V2_CORPUS } from './schema-v2-corpus.js';
import { SCHEMA_V3_CURATION } from './schema-v3-curation.js';
import { SCHEMA_V4_BULK_FTS } from './schema-v4-bulk-fts.js';
import { SCHEMA_V5_CURATION_NEAR_DUP } from './schema-v5-curation-near-dup.js';
import { SCHEMA_V6_MINING } from './schema-v6-mining.js';
import { SCHEMA_V7_DISTRIBUTED } from './schema-v7-distributed.js';
import { SCHEMA_V8_MODEL_PREFIXES } from './schema-v8-model-prefixes.js';
import { SCHEMA_V9_STAGE_LOCKS } from './schema-v9-stage-locks.js';
import { SCHEMA_V10_DISTRIBUTED_MINING } from './schema-v10-distributed-mining.js';
import { SchemaTooNewError } from './errors.js';

export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, sql: SCHEMA_V1 },
  { version: 2, sql: SCHEMA_V2_CORPUS },
  { version: 3, sql: SCHEMA_V3_CURATION },
  { version: 4, sql: SCHEMA_V4_BULK_FTS },
  { version: 5, sql: SCHEMA_V5_CURATION_NEAR_DUP },
  { version: 6, sql: SCHEMA_V6_MINING },
  { version: 7, sql: SCHEMA_V7_DISTRIBUTED },
  { version: 8, sql: SCHEMA_V8_MODEL_PREFIXES },
  { version: 9, sql: SCHEMA_V9_STAGE_LOCKS },
  { version: 10, sql: SCHEMA_V10_DISTRIBUTED_MINING },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to the latest schema. Each migration and its user_version bump
 * commit together, so a crash mid-migration leaves the previous version intact.
 * `label` names the project in errors (its folder).
 */
export function migrate(db: Database.Database, label: string, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const current = schemaVersion(db);
  if (current > latest) throw new SchemaTooNewError(label, current, latest);
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
