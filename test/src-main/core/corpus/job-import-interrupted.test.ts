// A corpus.import job killed -9 inside a file and not resumed at once; a `genq import` of the same
// file runs meanwhile (with and without --reimport); then the job is resumed. The job's half file
// used to count as "already imported" (without --reimport the rest was lost unless the job was
// resumed), and with --reimport the resumed job continued its half next to the CLI's whole copy.
// Now every document of the file is in the project exactly once after the CLI and after the resume.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, test } from 'vitest';
import type { ImportReport } from '../../../../shared/services/corpus.js';
import { brokenDocuments, integrity, scalar, startStage, withDb } from '../../../faults/harness.js';
import { resumeInterrupted } from '../../../helpers/kill-mid-job.js';
import { runCli } from '../../../helpers/run-cli.js';
import { servicesOnNewProject } from '../../../helpers/services-compiled.js';
import { useTempDirs, waitUntil } from '../../../helpers/temp-dir.js';
import { partialStillThere, takeOverFile, unfinishedHash } from '../../../../src-main/core/corpus/unfinished-imports.js';
import { count, tempProjectDb } from './helpers.js';

const tempDir = useTempDirs('genq-job-import-interrupted-');
const DOCS = 40;

/** One file of DOCS ~150 KB documents: a prepared batch holds a few, and with 0 ms chunks each batch commits. */
function bigFile(root: string): string {
  const file = join(root, 'big.jsonl');
  const lines = Array.from({ length: DOCS }, (_, i) => JSON.stringify({ _id: `d${i}`, text: `Document ${i} is about subject ${i}. `.repeat(5000) }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Starts the import job in a child and kills it -9 once some, not all, of the file is committed. */
async function killJobMidFile(dir: string, file: string): Promise<number> {
  const stage = startStage(dir, 'corpus', 'startImport', { paths: [file], dedupe: { action: 'keep' } }, undefined, { GENQ_IMPORT_CHUNK_MS: '0' });
  try {
    const { jobId } = await stage.first;
    const atKill = await waitUntil(() => withDb(dir, (db) => scalar(db, 'SELECT count(*) FROM documents WHERE import_job_id = ?', jobId)), 60_000, 'a committed chunk of the job');
    await stage.kill();
    expect((await stage.exited)[1]).toBe('SIGKILL');
    expect(atKill).toBeLessThan(DOCS);
    return jobId!;
  } finally {
    await stage.kill();
  }
}

function expectEveryDocumentOnce(dir: string): void {
  expect(integrity(dir)).toBe('ok');
  withDb(dir, (db) => {
    expect(scalar(db, 'SELECT count(*) FROM documents')).toBe(DOCS);
    expect(scalar(db, 'SELECT count(DISTINCT external_id) FROM documents')).toBe(DOCS);
    expect(brokenDocuments(db)).toBe(0);
    expect(scalar(db, 'SELECT count(*) FROM passages_fts_docsize')).toBe(scalar(db, 'SELECT count(*) FROM passages'));
  });
}

for (const reimport of [false, true]) {
  test(`job import killed mid-file, then genq import${reimport ? ' --reimport' : ''} of the file, then the job resumed: every document once`, async () => {
    const root = tempDir();
    const file = bigFile(root);
    const setup = await servicesOnNewProject(root);
    await setup.dispose();
    const jobId = await killJobMidFile(setup.dir, file);

    // The job's half of the file is no "already imported": the CLI takes the file over and reads it whole.
    const env = { GENQ_USER_DATA: join(root, 'user-data') };
    const cli = await runCli(['import', '--project', setup.dir, '--dedupe', 'keep', ...(reimport ? ['--reimport'] : []), file], env);
    expect(cli.stderr).not.toMatch(/genq:/);
    expect(cli.code).toBe(0);
    expect((JSON.parse(cli.stdout) as ImportReport).totals).toMatchObject({ imported: 1, skipped: 0, documents: DOCS });
    expect(cli.stderr).toMatch(new RegExp(`removed \\d+ document\\(s\\) that import job ${jobId} wrote before it was interrupted`));
    // The job is never resumed: the file is whole as it is.
    expectEveryDocumentOnce(setup.dir);
    withDb(setup.dir, (db) => expect(scalar(db, 'SELECT count(*) FROM documents WHERE import_job_id IS NOT NULL')).toBe(0));

    // Resumed after all, the job finds its partial file gone and skips the file instead of continuing it.
    const s = await servicesOnNewProject(root);
    try {
      const end = await resumeInterrupted(s, jobId);
      expect(end.state).toBe('done');
      expect((end.result as ImportReport).totals).toMatchObject({ imported: 0, skipped: 1, documents: 0 });
      const logs = (await s.impl.jobs.logs({ id: jobId, limit: 100 })).map((l) => l.message);
      expect(logs.some((m) => m.includes('were removed by another import of the same content'))).toBe(true);
    } finally {
      await s.dispose();
    }
    expectEveryDocumentOnce(setup.dir);
  }, 180_000);
}

describe('taking a file over from an interrupted job', () => {
  // Job 7 stopped mid-file (marked hash); job 8 is the importing job itself; a job-less run and a finished file.
  function seeded() {
    const t = tempProjectDb();
    const doc = t.db.prepare('INSERT INTO documents (text, source_hash, import_job_id) VALUES (?, ?, ?)');
    const passage = t.db.prepare("INSERT INTO passages (document_id, ordinal, text, text_hash) VALUES (?, 0, ?, 'h')");
    const add = (text: string, hash: string, job: number | null) => Number(passage.run(Number(doc.run(text, hash, job).lastInsertRowid), text).lastInsertRowid);
    const stopped = [add('job 7 first', unfinishedHash('aaa'), 7), add('job 7 second', unfinishedHash('aaa'), 7)];
    add('job 8 own', unfinishedHash('aaa'), 8);
    add('cli run', unfinishedHash('aaa'), null);
    add('other content', unfinishedHash('bbb'), 7);
    add('finished', 'aaa', 9);
    return { t, stopped, texts: () => t.db.prepare('SELECT text FROM documents ORDER BY id').pluck().all() };
  }

  it("removes only other jobs' unfinished documents of that content", () => {
    const { t, texts } = seeded();
    try {
      const logged: string[] = [];
      expect(takeOverFile(t.db, '/x/a.jsonl', 'aaa', 8, (m) => logged.push(m))).toBe(2);
      expect(texts()).toEqual(['job 8 own', 'cli run', 'other content', 'finished']);
      expect(logged.join('\n')).toMatch(/removed 2 document\(s\) that import job 7 wrote/);
      expect(takeOverFile(t.db, '/x/a.jsonl', 'aaa', 8)).toBe(0); // nothing left to take over
      expect(count(t.db, 'SELECT count(*) n FROM passages')).toBe(4);
    } finally {
      t.close();
    }
  });

  it('refuses when queries were generated for those passages since (the job is to be resumed)', () => {
    const { t, stopped, texts } = seeded();
    try {
      t.db.prepare("INSERT INTO queries (passage_id, text, origin) VALUES (?, 'q', 'generated')").run(stopped[1]);
      expect(() => takeOverFile(t.db, '/x/a.jsonl', 'aaa', 8)).toThrow(/partly imported by interrupted import job 7, and 1 query was generated .*resume the job/);
      expect(() => takeOverFile(t.db, '/x/a.jsonl', 'aaa', null)).toThrow(/import jobs 7, 8, and 1 query/);
      expect(texts()).toHaveLength(6);
    } finally {
      t.close();
    }
  });

  it("partialStillThere: the job's partial file as its checkpoint left it, and not once it was taken over", () => {
    const { t } = seeded();
    try {
      expect(partialStillThere(t.db, 7, { hash: 'aaa', startAfterId: 0, documents: 2 })).toBe(true);
      expect(partialStillThere(t.db, 7, { hash: 'aaa', startAfterId: 1, documents: 2 })).toBe(false); // one of them is before the file
      takeOverFile(t.db, '/x/a.jsonl', 'aaa', null);
      expect(partialStillThere(t.db, 7, { hash: 'aaa', startAfterId: 0, documents: 2 })).toBe(false);
    } finally {
      t.close();
    }
  });
});
