import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { importCorpus } from '../../../../src-main/core/corpus/import.js';
import { count, fixture, params, tempProjectDb, type TestDb } from './helpers.js';

let t: TestDb;
beforeEach(() => (t = tempProjectDb()));
afterEach(() => t.close());

const rows = (sql: string, ...args: unknown[]) => t.db.prepare(sql).all(...args) as Array<Record<string, any>>;

describe('importCorpus', () => {
  test('every good format in one import: documents, passages with offsets into documents.text, FTS', async () => {
    const files = ['moby-dick', 'sotu-excerpt.jsonl', 'notes.md', 'page.html', 'table.csv', 'table.tsv', 'records.json', 'two-pages.pdf', 'sample.docx', 'utf16be-bom.txt'];
    const report = await importCorpus(t.db, params({ paths: files.map(fixture), dedupe: { action: 'keep' } }));
    expect(report.totals).toMatchObject({ files: 11, imported: 11, failed: 0, skipped: 0 });
    expect(report.files.every((f) => f.status === 'imported' && f.passages > 0)).toBe(true);
    expect(count(t.db, 'SELECT count(*) n FROM documents')).toBe(report.totals.documents);
    expect(count(t.db, 'SELECT count(*) n FROM passages')).toBe(report.totals.passages);
    // Offsets map back exactly and no passage is over the budget.
    const bad = rows(
      `SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id
       WHERE substr(d.text, p.char_start + 1, p.char_end - p.char_start) != p.text OR p.token_count > 300`,
    );
    expect(bad).toEqual([]);
    expect(rows("SELECT rowid FROM passages_fts WHERE passages_fts MATCH 'ishmael'").length).toBeGreaterThan(2);
    expect(rows("SELECT title FROM passages WHERE title IN ('The Inn', 'Sign', 'two-pages, page 2', 'Loomings')").length).toBe(4);
  });

  test('BEIR duplicates: keep marks duplicate_of (exact and near), drop leaves them out, both with examples', async () => {
    const kept = await importCorpus(t.db, params({ paths: [fixture('beir-corpus.jsonl')], dedupe: { action: 'keep' } }));
    expect(kept.duplicates).toMatchObject({ exact: 1, near: 1, action: 'keep' });
    expect(kept.duplicates.examples.map((e) => [e.kind, e.duplicateOf])).toEqual([['exact', 1], ['near', 2]]);
    expect(kept.duplicates.examples[1].similarity).toBeGreaterThanOrEqual(0.9);
    expect(rows('SELECT external_id, duplicate_of FROM passages ORDER BY id').map((r) => [r.external_id, r.duplicate_of])).toEqual([
      ['d1', null], ['d2', null], ['d3', 1], ['d4', 2], ['d5', null],
    ]);

    const other = tempProjectDb();
    try {
      const dropped = await importCorpus(other.db, params({ paths: [fixture('beir-corpus.jsonl')], dedupe: { action: 'drop' } }));
      expect(dropped.totals).toMatchObject({ documents: 5, passages: 3 });
      expect(count(other.db, 'SELECT count(*) n FROM passages')).toBe(3);
      // With a threshold of 1.0 only exact copies count.
      const strict = tempProjectDb();
      const r = await importCorpus(strict.db, params({ paths: [fixture('beir-corpus.jsonl')], dedupe: { threshold: 1 } }));
      expect(r.duplicates).toMatchObject({ exact: 1, near: 0 });
      strict.close();
    } finally {
      other.close();
    }
  });

  test('re-importing the same content (under another name) is skipped with a message; reimport forces it', async () => {
    await importCorpus(t.db, params({ paths: [fixture('moby-dick/chapter_001.txt')] }));
    const dir = mkdtempSync(join(tmpdir(), 'genq-copy-'));
    const copy = join(dir, 'renamed.txt');
    copyFileSync(fixture('moby-dick/chapter_001.txt'), copy);
    const again = await importCorpus(t.db, params({ paths: [copy] }));
    expect(again.skippedReimports).toEqual([copy]);
    expect(again.files[0]).toMatchObject({ status: 'skipped', message: expect.stringMatching(/renamed\.txt: already imported \(same content as .*chapter_001\.txt\)/) });
    expect(count(t.db, 'SELECT count(*) n FROM documents')).toBe(1);
    const forced = await importCorpus(t.db, params({ paths: [copy], reimport: true }));
    expect(forced.totals.imported).toBe(1);
    expect(forced.duplicates.exact).toBeGreaterThan(5); // every passage is an exact duplicate now
  });

  test.each([
    ['binary.txt', 'BinaryFileError', /binary\.txt: looks like a binary file/],
    ['empty.txt', 'EmptyFileError', /empty\.txt: file is empty/],
    ['invalid-utf8.txt', 'DecodeError', /invalid-utf8\.txt:3: contains bytes that are not valid utf-8/],
    ['missing-column.csv', 'MissingFieldError', /missing-column\.csv:1: missing text column/],
    ['bomb.jsonl.gz', 'GzipBombError', /bomb\.jsonl\.gz: looks like a gzip bomb/],
    ['no-such-file.jsonl', 'UnreadableFileError', /no-such-file\.jsonl: cannot be read: file not found/],
  ])('%s fails with %s and leaves nothing behind, the next file still imports', async (name, errorName, message) => {
    const report = await importCorpus(t.db, params({ paths: [fixture(name), fixture('table.tsv')] }));
    expect(report.files[0]).toMatchObject({ status: 'failed', errorName, message: expect.stringMatching(message), documents: 0 });
    expect(report.files[1]).toMatchObject({ status: 'imported', documents: 2 });
    expect(rows('SELECT DISTINCT source_path FROM documents').map((r) => r.source_path)).toEqual([fixture('table.tsv')]);
  });

  test('file over the size limit: reported with the limit; raising it imports the file', async () => {
    const small = await importCorpus(t.db, params({ paths: [fixture('sotu-excerpt.jsonl')], maxFileMB: 0.01 }));
    expect(small.files[0]).toMatchObject({ status: 'failed', errorName: 'FileTooLargeError', message: expect.stringMatching(/sotu-excerpt\.jsonl: is 34\.6 KB, over the 10\.2 KB limit/) });
    const raised = await importCorpus(t.db, params({ paths: [fixture('sotu-excerpt.jsonl')], maxFileMB: 1 }));
    expect(raised.files[0].status).toBe('imported');
  });

  test('malformed JSON lines: skip reports file and line and keeps the rest; abort rolls the file back', async () => {
    const skipped = await importCorpus(t.db, params({ paths: [fixture('malformed.jsonl')], onError: 'skip' }));
    expect(skipped.files[0]).toMatchObject({ status: 'imported', documents: 3, errorCount: 1, errors: [{ line: 3, message: expect.stringMatching(/^line 3: malformed JSON/) }] });
    expect(skipped.files[0].message).toMatch(/malformed\.jsonl: 1 bad record\(s\) skipped, first: line 3/);

    const other = tempProjectDb();
    try {
      await expect(importCorpus(other.db, params({ paths: [fixture('malformed.jsonl')], onError: 'abort' }))).rejects.toMatchObject({
        name: 'ImportAbortedError',
        message: expect.stringMatching(/Import aborted: .*malformed\.jsonl:3: line 3: malformed JSON/),
      });
      expect(count(other.db, 'SELECT count(*) n FROM documents')).toBe(0);
      expect(count(other.db, 'SELECT count(*) n FROM passages_fts')).toBe(0);
    } finally {
      other.close();
    }
  });

  test('missing JSON field is a record error naming file and line', async () => {
    const report = await importCorpus(t.db, params({ paths: [fixture('missing-field.jsonl')] }));
    expect(report.files[0]).toMatchObject({ documents: 1, errorCount: 1, errors: [{ line: 2, message: expect.stringContaining('line 2: no "text" field') }] });
  });

  test('cancel mid-file rolls that file back; earlier files stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genq-cancel-'));
    const big = join(dir, 'big.jsonl');
    const line = (i: number) => JSON.stringify({ id: `r${i}`, text: `Record number ${i} talks about whales and ships and the sea, at length. `.repeat(3) });
    writeFileSync(big, Array.from({ length: 3000 }, (_, i) => line(i)).join('\n'));
    const controller = new AbortController();
    const promise = importCorpus(t.db, params({ paths: [fixture('table.tsv'), big], dedupe: { near: false } }), {
      signal: controller.signal,
      progress: (u) => {
        if (u.message?.startsWith(big) && u.done > 0) controller.abort();
      },
    });
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(rows('SELECT DISTINCT source_path FROM documents').map((r) => r.source_path)).toEqual([fixture('table.tsv')]);
  });

  test('progress is reported in bytes against the total size; checkpoints are saved', async () => {
    const updates: Array<{ done: number; total?: number | null }> = [];
    const checkpoints: unknown[] = [];
    await importCorpus(t.db, params({ paths: [fixture('moby-dick')] }), { progress: (u) => updates.push(u), saveCheckpoint: (c) => checkpoints.push(c) });
    const last = updates.at(-1)!;
    expect(last.total).toBe(12252 + 7966);
    expect(last.done).toBe(last.total);
    expect(checkpoints.length).toBeGreaterThan(0);
  });
});
