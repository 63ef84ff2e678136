// Issue 13: the hostile-input corpus (test/fixtures/hostile). Each file gets its own message, in
// the core report, the CLI and the import job the UI shows; a refused file leaves the project as
// it was (counts before = after); bombs and the 1 GB sparse file are refused from their first
// bytes, not after being read whole. Tests may run as root, for whom mode 000 is readable.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ImportFileReport } from '../../../../shared/services/corpus.js';
import { importCorpus } from '../../../../src-main/core/corpus/import.js';
import { makeHostileCorpus } from '../../../fixtures/hostile/make-hostile.js';
import { runCli } from '../../../helpers/run-cli.js';
import { servicesOnNewProject } from '../../../helpers/services-compiled.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { count, params, tempProjectDb } from './helpers.js';

const tempDir = useTempDirs('genq-hostile-');
const isRoot = process.getuid?.() === 0;
let dir = '';
beforeAll(() => {
  dir = join(tempDir(), 'hostile');
  makeHostileCorpus(dir);
});

/** Refused files: name → [error name, message pattern]. */
const REFUSED: Array<[string, string, RegExp]> = [
  ['empty.txt', 'EmptyFileError', /empty\.txt: file is empty/],
  ['nul-bytes.txt', 'BinaryFileError', /nul-bytes\.txt: looks like a binary file, not text/],
  ['invalid-utf8.txt', 'DecodeError', /invalid-utf8\.txt:3: contains bytes that are not valid utf-8/],
  ['no-text.pdf', 'EmptyFileError', /no-text\.pdf: contains no text/],
  ['truncated.txt.gz', 'UnreadableFileError', /truncated\.txt\.gz: is not valid gzip data \(it is truncated/],
  ['bomb.txt.gz', 'GzipBombError', /bomb\.txt\.gz: looks like a gzip bomb: 29\.\d KB expanded to over 8\.0 MB/],
  ['bomb.jsonl.gz', 'GzipBombError', /bomb\.jsonl\.gz: looks like a gzip bomb/],
  ['bomb.docx', 'GzipBombError', /bomb\.docx: looks like a zip bomb: .* unpacks to over/],
  ['sparse-1gb.txt', 'BinaryFileError', /sparse-1gb\.txt: looks like a binary file/],
  ['deep.json', 'EmptyFileError', /deep\.json: no usable records \(1 bad, first: record 1: expected a JSON object\)/],
  ['loop.txt', 'UnreadableFileError', /loop\.txt: cannot be read: it is a symbolic link that loops back on itself/],
  ...(isRoot ? [] : ([['unreadable.txt', 'UnreadableFileError', /unreadable\.txt: cannot be read: permission denied/]] as Array<[string, string, RegExp]>)),
];

const projectCounts = (db: Database.Database) => ({
  documents: count(db, 'SELECT count(*) n FROM documents'),
  passages: count(db, 'SELECT count(*) n FROM passages'),
  fts: count(db, 'SELECT count(*) n FROM passages_fts_docsize'),
});

describe('hostile inputs in the core import', () => {
  test.each(REFUSED)('%s is refused with %s and leaves the project unchanged', async (name, errorName, message) => {
    const t = tempProjectDb();
    try {
      await importCorpus(t.db, params({ paths: [join(dir, 'utf16le-nobom.txt')] }), { workers: 0 });
      const before = projectCounts(t.db);
      // Peak resident memory while refusing: a file read whole (the 1 GB sparse file, an inflated
      // zip bomb) shows as gigabytes here.
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const report = await importCorpus(t.db, params({ paths: [join(dir, name)] }), { workers: 0 }).finally(() => clearInterval(sampler));
      expect((peak - rssBefore) / 2 ** 20).toBeLessThan(256);
      expect(report.files).toHaveLength(1);
      expect(report.files[0]).toMatchObject({ status: 'failed', errorName, documents: 0, passages: 0 });
      expect(report.files[0].message).toMatch(message);
      expect(projectCounts(t.db)).toEqual(before);
      expect(t.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      t.close();
    }
  }, 30_000);

  test('UTF-16 without a BOM, a 10 MB CSV cell and a folder holding a link to itself import normally', async () => {
    const t = tempProjectDb();
    try {
      const report = await importCorpus(t.db, params({ paths: ['utf16le-nobom.txt', 'huge-cell.csv', 'loop-dir'].map((n) => join(dir, n)) }), { workers: 0 });
      const by = (end: string) => report.files.find((f) => f.path.endsWith(end)) as ImportFileReport;
      expect(by('utf16le-nobom.txt')).toMatchObject({ status: 'imported', encoding: 'utf-16le', documents: 1 });
      expect(by('huge-cell.csv')).toMatchObject({ status: 'imported', documents: 1 });
      expect(by('huge-cell.csv').passages).toBeGreaterThan(1000);
      // The link inside loop-dir is not followed: its one real file is imported once.
      expect(report.files.filter((f) => f.path.includes('loop-dir'))).toHaveLength(1);
      expect(by('inside.txt')).toMatchObject({ status: 'imported', documents: 1 });
    } finally {
      t.close();
    }
  }, 60_000);

  test.runIf(isRoot)('as root a mode-000 file is readable, so it imports (the permission case runs for other users)', async () => {
    const t = tempProjectDb();
    try {
      const report = await importCorpus(t.db, params({ paths: [join(dir, 'unreadable.txt')] }), { workers: 0 });
      expect(report.files[0]).toMatchObject({ status: 'imported' });
    } finally {
      t.close();
    }
  });
});

describe('hostile inputs through the CLI and the import job', () => {
  const refusedPaths = () => REFUSED.map(([name]) => join(dir, name));

  test('genq import names every refused file on stderr, exits 1 and changes nothing', async () => {
    const project = join(tempDir(), 'p');
    expect((await runCli(['project', 'create', project])).code).toBe(0);
    const res = await runCli(['import', '--project', project, ...refusedPaths()]);
    expect(res.code).toBe(1);
    for (const [, , message] of REFUSED) expect(res.stderr).toMatch(message);
    const db = new Database(join(project, 'project.sqlite'), { readonly: true });
    try {
      expect(projectCounts(db)).toEqual({ documents: 0, passages: 0, fts: 0 });
    } finally {
      db.close();
    }
  }, 120_000);

  test('corpus.startImport: the job report carries every message; nothing is written', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const job = await s.impl.corpus.startImport(params({ paths: refusedPaths() }));
      const end = await s.finished(job.id);
      expect(end.state).toBe('done');
      const files = (end.result as { files: ImportFileReport[] }).files;
      for (const [name, errorName, message] of REFUSED) {
        const f = files.find((x) => x.path.endsWith(`/${name}`));
        expect(f, name).toMatchObject({ status: 'failed', errorName });
        expect(f!.message).toMatch(message);
      }
      expect(projectCounts(s.projects.require().project.db)).toEqual({ documents: 0, passages: 0, fts: 0 });
    } finally {
      await s.dispose();
    }
  }, 120_000);
});
