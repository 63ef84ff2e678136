// Issue 13 item 4: two imports of the same file at the same time used to both go in (the
// "already imported" check ran outside the write transaction, and nothing said another import of
// that content was under way). Now one imports it and the other is told who is importing it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { importCorpus } from '../../../../src-main/core/corpus/import.js';
import { openDatabase } from '../../../../src-main/core/project/store.js';
import { count, params, tempProjectDb, type TestDb } from './helpers.js';

let t: TestDb;
beforeEach(() => (t = tempProjectDb()));
afterEach(() => t.close());

describe('concurrent imports of the same content', () => {
  test('two connections importing one file at once: its documents go in once, the other names the first', async () => {
    const file = join(t.dir, 'same.jsonl');
    const docs = 20_000;
    writeFileSync(file, Array.from({ length: docs }, (_, i) => JSON.stringify({ _id: `d${i}`, text: `Passage ${i} about whales and the sea, line ${i}.` })).join('\n'));
    const second = openDatabase(join(t.dir, 'project.sqlite'));
    try {
      const p = params({ paths: [file] });
      const [a, b] = await Promise.all([importCorpus(t.db, p, { workers: 0 }), importCorpus(second, p, { workers: 0 })]);
      expect(count(t.db, 'SELECT count(*) n FROM documents')).toBe(docs);
      const statuses = [a.files[0].status, b.files[0].status].sort();
      expect(statuses).toEqual(['failed', 'imported']);
      const refused = [a, b].find((r) => r.files[0].status === 'failed')!.files[0];
      expect(refused).toMatchObject({ errorName: 'StageLockedError' });
      expect(refused.message).toMatch(new RegExp(`An import of this content \\(.*same\\.jsonl\\) is already running in process ${process.pid} \\(started `));
      expect(t.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      second.close();
    }
  }, 60_000);
});
