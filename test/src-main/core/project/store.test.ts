import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createProject, openProject, PROJECT_SUBDIRS } from '../../../../src-main/core/project/store.js';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from '../../../../src-main/core/project/migrations.js';
import { NotAProjectError, ProjectExistsError, SchemaTooNewError } from '../../../../src-main/core/project/errors.js';
import { SCHEMA_V1 } from '../../../../src-main/core/project/schema-v1.js';
import { projectSummary } from '../../../../src-main/core/project/summary.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('project store', () => {
  it('creates a project folder with the database, subfolders, meta and pragmas', () => {
    const dir = join(tempDir(), 'my-proj');
    const p = createProject(dir, { name: 'Whales', appVersion: '1.2.3' });
    expect(p.info).toMatchObject({ dir, name: 'Whales', schemaVersion: LATEST_SCHEMA_VERSION });
    expect(Date.parse(p.info.createdAt)).not.toBeNaN();
    expect(readdirSync(dir).sort()).toEqual(expect.arrayContaining(['project.sqlite', ...PROJECT_SUBDIRS]));
    expect(p.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(p.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(p.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    const meta = Object.fromEntries(
      (p.db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]),
    );
    expect(meta).toMatchObject({ name: 'Whales', app_version: '1.2.3' });
    p.close();
  });

  it('defaults the name to the folder name and keeps data across reopen', () => {
    const dir = join(tempDir(), 'sotu');
    const p = createProject(dir, { appVersion: '1' });
    expect(p.info.name).toBe('sotu');
    p.db.prepare("INSERT INTO documents (text) VALUES ('hello')").run();
    p.close();
    const again = openProject(dir, { appVersion: '1' });
    expect(again.info.name).toBe('sotu');
    expect((again.db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n).toBe(1);
    again.close();
  });

  it('refuses to open a folder that is not a project', () => {
    const dir = tempDir();
    expect(() => openProject(dir, { appVersion: '1' })).toThrow(NotAProjectError);
    expect(() => openProject(dir, { appVersion: '1' })).toThrow(/is not a GenQ Workbench project \(no project.sqlite/);
    expect(existsSync(join(dir, 'project.sqlite'))).toBe(false);
  });

  it('refuses to create a project over an existing one', () => {
    const dir = tempDir();
    createProject(dir, { appVersion: '1' }).close();
    expect(() => createProject(dir, { appVersion: '1' })).toThrow(ProjectExistsError);
    expect(() => createProject(dir, { appVersion: '1' })).toThrow(/already contains a GenQ Workbench project/);
  });

  it('refuses to create a project where a file is in the way', () => {
    const file = join(tempDir(), 'notes.txt');
    writeFileSync(file, 'x');
    expect(() => createProject(file, { appVersion: '1' })).toThrow(`${file} exists and is not a folder; choose a folder for the project.`);
  });

  it('refuses a database written by a newer schema, naming both versions', () => {
    const dir = tempDir();
    createProject(dir, { appVersion: '1' }).close();
    const raw = new Database(join(dir, 'project.sqlite'));
    const newer = LATEST_SCHEMA_VERSION + 5;
    raw.pragma(`user_version = ${newer}`);
    raw.close();
    let err: unknown;
    try {
      openProject(dir, { appVersion: '1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SchemaTooNewError);
    expect((err as Error).name).toBe('SchemaTooNewError');
    expect((err as Error).message).toBe(
      `${dir} was written by a newer GenQ Workbench (schema ${newer}); this version supports up to schema ${LATEST_SCHEMA_VERSION}. Update the app to open it.`,
    );
  });

  it('summarises counts of documents, passages, queries by status, models and jobs by state', () => {
    const dir = tempDir();
    const p = createProject(dir, { appVersion: '1' });
    const db = p.db;
    db.prepare("INSERT INTO documents (id, text) VALUES (1, 'doc')").run();
    db.prepare("INSERT INTO passages (id, document_id, text) VALUES (1, 1, 'a'), (2, 1, 'b')").run();
    db.prepare(
      "INSERT INTO queries (passage_id, text, origin, status) VALUES (1,'q','generated','accepted'),(1,'q2','generated','accepted'),(2,'q3','manual','pending')",
    ).run();
    db.prepare("INSERT INTO models (name, role, path) VALUES ('m', 'encoder', '/x')").run();
    db.prepare("INSERT INTO jobs (kind, title, params, state) VALUES ('k','t','{}','done'),('k','t','{}','failed'),('k','t','{}','done')").run();
    const s = projectSummary(db, p.info);
    expect(s).toEqual({
      project: p.info,
      documents: 1,
      passages: 2,
      queries: { total: 3, byStatus: { accepted: 2, pending: 1 } },
      models: 1,
      jobs: { done: 2, failed: 1 },
    });
    p.close();
  });
});

describe('migrations', () => {
  it('applies pending migrations in order, each with its version, and is idempotent', () => {
    const db = new Database(':memory:');
    const migrations = [
      { version: 1, sql: SCHEMA_V1 },
      { version: 2, sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY)' },
    ];
    expect(migrate(db, 'mem', migrations.slice(0, 1))).toBe(1);
    expect(migrate(db, 'mem', migrations)).toBe(2);
    expect(migrate(db, 'mem', migrations)).toBe(2);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toBeTruthy();
    db.close();
  });

  it('rolls back a failing migration, leaving the previous version intact', () => {
    const db = new Database(':memory:');
    const migrations = [
      { version: 1, sql: SCHEMA_V1 },
      { version: 2, sql: 'CREATE TABLE half (id INTEGER); THIS IS NOT SQL' },
    ];
    expect(() => migrate(db, 'mem', migrations)).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });

  it('upgrades a project written at schema 1 to the latest schema on open, keeping its data', () => {
    const dir = tempDir();
    const raw = new Database(join(dir, 'project.sqlite'));
    migrate(raw, dir, [{ version: 1, sql: SCHEMA_V1 }]);
    raw.prepare("INSERT INTO meta (key, value) VALUES ('name', 'old')").run();
    raw.prepare("INSERT INTO documents (text) VALUES ('kept')").run();
    raw.close();
    const p = openProject(dir, { appVersion: '9' });
    expect(p.info).toMatchObject({ name: 'old', schemaVersion: LATEST_SCHEMA_VERSION });
    expect(p.db.prepare('SELECT text FROM documents').get()).toEqual({ text: 'kept' });
    p.close();
  });

  it('creates the subfolders again when they were deleted', () => {
    const dir = tempDir();
    createProject(dir, { appVersion: '1' }).close();
    rmSync(join(dir, 'models'), { recursive: true });
    rmSync(join(dir, 'exports'), { recursive: true });
    expect(existsSync(join(dir, 'models'))).toBe(false);
    const p = openProject(dir, { appVersion: '1' });
    for (const sub of PROJECT_SUBDIRS) expect(existsSync(join(dir, sub))).toBe(true);
    p.close();
  });
});
