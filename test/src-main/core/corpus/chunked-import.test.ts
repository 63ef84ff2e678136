// Issue 13 item 2: a big file no longer holds the write lock for the whole import. It commits in
// chunks of whole documents; a failure or cancel after some chunks removes the file again; a
// resumed job continues a partly committed file (kill -9 of a real process: test/faults/).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { importCorpus, type ImportCheckpoint } from '../../../../src-main/core/corpus/import.js';
import { count, params, tempProjectDb, type TestDb } from './helpers.js';

let t: TestDb;
beforeEach(() => (t = tempProjectDb()));
afterEach(() => t.close());

function jsonl(name: string, docs: number, bad?: number, repeat = 30): string {
  const lines = Array.from({ length: docs }, (_, i) =>
    i === bad ? '{"id": broken' : JSON.stringify({ _id: `d${i}`, text: `Document ${i} talks about topic ${i} at some length. `.repeat(repeat) }),
  );
  const path = join(t.dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Documents whose passages are not a contiguous, complete 0..n-1 run of ordinals. */
function brokenDocuments(db: Database.Database): number {
  return count(db, `SELECT count(*) n FROM (SELECT d.id, count(p.id) c, max(p.ordinal) m FROM documents d
      LEFT JOIN passages p ON p.document_id = d.id GROUP BY d.id) WHERE c = 0 OR m != c - 1`);
}

describe('chunked import commits', () => {
  test('one file commits in several chunks; another connection sees each chunk, never half a document', async () => {
    // ~250 KB documents: a prepared batch (1 MB of text) holds four, and chunks commit between batches.
    const path = jsonl('many.jsonl', 16, undefined, 5000);
    const other = new Database(join(t.dir, 'project.sqlite'), { readonly: true });
    const seen: number[] = [];
    try {
      await importCorpus(t.db, params({ paths: [path], dedupe: { action: 'keep' } }), {
        workers: 0,
        jobId: undefined,
        chunkCommitMs: 0,
        saveCheckpoint: (cp: ImportCheckpoint) => {
          // Called inside each chunk's transaction: the other connection sees the chunks before it.
          if (cp.partial) seen.push(count(other, 'SELECT count(*) n FROM documents'));
          expect(brokenDocuments(other)).toBe(0);
        },
      });
    } finally {
      other.close();
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)).toBeGreaterThan(0);
    expect(count(t.db, 'SELECT count(*) n FROM documents')).toBe(16);
    expect(brokenDocuments(t.db)).toBe(0);
  });

  test('a failure after committed chunks removes the whole file (FTS too); earlier files stay', async () => {
    const good = jsonl('good.jsonl', 3);
    const bad = jsonl('bad.jsonl', 30, 25);
    const report = await importCorpus(t.db, params({ paths: [good, bad], onError: 'skip', dedupe: { action: 'keep' } }), { workers: 0, chunkCommitMs: 0 });
    expect(report.totals).toMatchObject({ imported: 2 }); // skip: bad line reported, rest kept
    t.db.exec('DELETE FROM documents');
    const docsBefore = count(t.db, 'SELECT count(*) n FROM documents');
    const aborted = importCorpus(t.db, params({ paths: [good, bad], onError: 'abort', dedupe: { action: 'keep' } }), { workers: 0, chunkCommitMs: 0 });
    await expect(aborted).rejects.toMatchObject({ name: 'ImportAbortedError', message: expect.stringContaining('bad.jsonl:26') });
    expect(count(t.db, 'SELECT count(*) n FROM documents') - docsBefore).toBe(3); // good.jsonl only
    expect(count(t.db, "SELECT count(*) n FROM documents WHERE source_path LIKE '%bad.jsonl'")).toBe(0);
    expect(count(t.db, "SELECT count(*) n FROM passages_fts WHERE passages_fts MATCH 'topic'")).toBe(count(t.db, 'SELECT count(*) n FROM passages'));
    expect(t.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
