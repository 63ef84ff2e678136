// The fast import paths: documents prepared on worker threads (results written in reading
// order) and passages indexed in FTS in batches (schema v4) rather than by the per-row trigger.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { importCorpus } from '../../../../src-main/core/corpus/import.js';
import { FTS_BATCH_CHARS } from '../../../../src-main/core/corpus/passage-writer.js';
import { BATCH_CHARS } from '../../../../src-main/core/corpus/prepared-batches.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { count, fixture, params, tempProjectDb, type TestDb } from './helpers.js';

const tempDir = useTempDirs('genq-pipeline-');
let t: TestDb;
beforeEach(() => (t = tempProjectDb()));
afterEach(() => t.close());

/** A JSONL of `docs` records (~3 KB each) with a unique word per record, and some repeats. */
function generatedJsonl(docs: number): string {
  const words = ['harpoon', 'whale', 'sea', 'ship', 'captain', 'voyage', 'oil', 'sail', 'storm', 'crew', 'deck', 'rope', 'island', 'north'];
  let seed = 99;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const lines: string[] = [];
  for (let d = 0; d < docs; d++) {
    const sentences: string[] = [`Record uniq${d} begins here.`];
    while (sentences.join(' ').length < 3000) sentences.push(`${Array.from({ length: 6 + rand(14) }, () => words[rand(words.length)]).join(' ')}.`);
    // Every 50th record repeats an earlier one: exact duplicates across prepare batches.
    const text = d % 50 === 49 ? JSON.parse(lines[d - 40]).text : sentences.join(' ');
    lines.push(JSON.stringify({ id: `r${d}`, text }));
  }
  const path = join(tempDir(), 'generated.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const passageRows = (db: TestDb['db']) =>
  db.prepare('SELECT id, document_id, ordinal, external_id, title, text, char_start, char_end, token_count, text_hash, duplicate_of FROM passages ORDER BY id').raw().all();

/** FTS5's own check of the index against the passages table (throws when they differ). */
const ftsIntegrity = (db: TestDb['db']) => db.prepare("INSERT INTO passages_fts (passages_fts, rank) VALUES ('integrity-check', 1)").run();

describe('import pipeline', () => {
  test('worker threads give exactly the rows of the inline path, across many batches and an FTS flush', async () => {
    const file = generatedJsonl(1600); // ~4.8 MB: several prepare batches, more than one FTS batch
    expect(1600 * 3000).toBeGreaterThan(Math.max(FTS_BATCH_CHARS, 4 * BATCH_CHARS));
    const inline = await importCorpus(t.db, params({ paths: [file] }), { workers: 0 });
    const other = tempProjectDb();
    try {
      const threaded = await importCorpus(other.db, params({ paths: [file] }), { workers: 2 });
      expect(threaded.totals).toEqual(inline.totals);
      expect(threaded.duplicates).toEqual(inline.duplicates);
      expect(inline.duplicates.exact).toBe(64); // 32 repeated records of 2 passages each
      expect(passageRows(other.db)).toEqual(passageRows(t.db));
      for (const db of [t.db, other.db]) {
        ftsIntegrity(db);
        expect(count(db, "SELECT count(*) n FROM passages_fts WHERE passages_fts MATCH 'uniq0'")).toBe(1);
        expect(count(db, "SELECT count(*) n FROM passages_fts WHERE passages_fts MATCH 'uniq1598'")).toBe(1);
      }
    } finally {
      other.close();
    }
  }, 60_000);

  test('the FTS trigger is back on for other writers after an import, and a failed file leaves no FTS entries', async () => {
    await importCorpus(t.db, params({ paths: [fixture('sotu-excerpt.jsonl')] }));
    expect(count(t.db, 'SELECT active n FROM passages_fts_bulk')).toBe(0);
    const doc = t.db.prepare("INSERT INTO documents (text, source_path) VALUES ('x', 'manual')").run().lastInsertRowid;
    t.db.prepare("INSERT INTO passages (document_id, text) VALUES (?, 'a narwhal surfaced')").run(doc);
    expect(count(t.db, "SELECT count(*) n FROM passages_fts WHERE passages_fts MATCH 'narwhal'")).toBe(1);

    const bad = join(tempDir(), 'half-bad.jsonl');
    writeFileSync(bad, '{"text": "The walrus sat on the ice floe for a long while."}\n{"text": broken\n');
    await expect(importCorpus(t.db, params({ paths: [bad], onError: 'abort' }))).rejects.toThrow(/half-bad\.jsonl.*line 2/);
    expect(count(t.db, 'SELECT active n FROM passages_fts_bulk')).toBe(0);
    expect(count(t.db, "SELECT count(*) n FROM passages WHERE text LIKE '%walrus%'")).toBe(0);
    expect(count(t.db, "SELECT count(*) n FROM passages_fts WHERE passages_fts MATCH 'walrus'")).toBe(0);
    ftsIntegrity(t.db);
  });

  test('a cancelled threaded import rolls its file back and leaves the trigger on', async () => {
    const file = generatedJsonl(400);
    const controller = new AbortController();
    const run = importCorpus(t.db, params({ paths: [file] }), {
      workers: 2,
      signal: controller.signal,
      progress: () => controller.abort(), // at the first written document
    });
    await expect(run).rejects.toThrow(/cancel/i);
    expect(count(t.db, 'SELECT count(*) n FROM passages')).toBe(0);
    expect(count(t.db, 'SELECT active n FROM passages_fts_bulk')).toBe(0);
  }, 30_000);
});
