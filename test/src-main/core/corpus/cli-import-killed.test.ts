// A `genq import` (no job, so no checkpoint) killed with kill -9 inside a file: the documents of
// its committed chunks must not make the re-run take the file for "already imported" (the rest
// was lost for good); the re-run imports the file so every document is there exactly once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import type { ImportReport } from '../../../../shared/services/corpus.js';
import { runCli, spawnCli } from '../../../helpers/run-cli.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { removeUnfinishedImports, unfinishedHash } from '../../../../src-main/core/corpus/unfinished-imports.js';
import { acquireStageLock } from '../../../../src-main/core/project/locks.js';
import { count, tempProjectDb } from './helpers.js';

const tempDir = useTempDirs('genq-cli-import-killed-');
const DOCS = 60;

function query<T>(project: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(project, 'project.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
const documents = (db: Database.Database) => Number(db.prepare('SELECT count(*) FROM documents').pluck().get());

test('genq import killed mid-file, then run again: every document of the file exactly once', async () => {
  const root = tempDir();
  const project = join(root, 'big');
  const env = { GENQ_USER_DATA: join(root, 'ud'), GENQ_IMPORT_CHUNK_MS: '0' };
  // ~150 KB documents: a prepared batch holds a few, and a chunk commits after each batch.
  const file = join(root, 'big.jsonl');
  const lines = Array.from({ length: DOCS }, (_, i) => JSON.stringify({ _id: `d${i}`, text: `Document ${i} is about subject ${i}. `.repeat(5000) }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  const args = ['import', '--project', project, '--create', '--dedupe', 'keep', file];

  const child = spawnCli(args, env);
  const gone = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let exited = false;
  void gone.then(() => (exited = true));
  let atKill = 0;
  // Kill as soon as some, not all, of the file is committed.
  while (!exited) {
    try {
      atKill = query(project, documents);
    } catch {
      atKill = 0; // the project is not created yet
    }
    if (atKill > 0) {
      child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await gone;
  expect(atKill).toBeGreaterThan(0);
  expect(atKill).toBeLessThan(DOCS);

  const again = await runCli(args.filter((a) => a !== '--create'), env);
  expect(again.stderr).not.toMatch(/genq:/);
  expect(again.code).toBe(0);
  expect((JSON.parse(again.stdout) as ImportReport).totals).toMatchObject({ imported: 1, skipped: 0, documents: DOCS });
  query(project, (db) => {
    expect(documents(db)).toBe(DOCS);
    expect(Number(db.prepare('SELECT count(DISTINCT external_id) FROM documents').pluck().get())).toBe(DOCS);
    expect(db.prepare('SELECT DISTINCT source_hash FROM documents').pluck().all()).toHaveLength(1);
    expect(Number(db.prepare('SELECT count(*) FROM passages_fts_docsize').pluck().get())).toBe(Number(db.prepare('SELECT count(*) FROM passages').pluck().get()));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  // Imported completely: a third run skips it as already imported.
  const third = await runCli(args.filter((a) => a !== '--create'), env);
  expect(third.code).toBe(0);
  expect((JSON.parse(third.stdout) as ImportReport).totals).toMatchObject({ imported: 0, skipped: 1 });
  query(project, (db) => expect(documents(db)).toBe(DOCS));
}, 120_000);

test('documents of an unfinished import whose content lock is live (a running import) are left alone', () => {
  const t = tempProjectDb();
  try {
    const insert = t.db.prepare('INSERT INTO documents (text, source_hash, import_job_id) VALUES (?, ?, NULL)');
    insert.run('running import', unfinishedHash('aaa'));
    insert.run('killed import', unfinishedHash('bbb'));
    insert.run('finished import', 'bbb');
    const live = acquireStageLock(t.db, 'import:aaa', 'An import of this content');
    removeUnfinishedImports(t.db);
    expect(t.db.prepare('SELECT text FROM documents ORDER BY id').pluck().all()).toEqual(['running import', 'finished import']);
    live.release();
    removeUnfinishedImports(t.db);
    expect(count(t.db, 'SELECT count(*) n FROM documents')).toBe(1);
    expect(count(t.db, 'SELECT count(*) n FROM stage_locks')).toBe(0);
  } finally {
    t.close();
  }
});
