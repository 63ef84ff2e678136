// The corpus service end to end: import jobs run in the job runner's worker thread, then the
// read methods the Corpus page uses.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ImportReport } from '../../../../shared/services/corpus.js';
import { servicesOnNewProject, type TestServices } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { fixture } from './helpers.js';

const tempDir = useTempDirs('genq-corpus-svc-');
let s: TestServices;
beforeAll(async () => {
  s = await servicesOnNewProject(tempDir());
});
afterAll(() => s.dispose());

describe('corpus service', () => {
  test('startImport runs a corpus.import job whose result is the report; stats, search, documents follow', async () => {
    const started = await s.impl.corpus.startImport({ paths: [fixture('moby-dick'), fixture('beir-corpus.jsonl')] } as never);
    expect(started.kind).toBe('corpus.import');
    expect(started.title).toBe('Import moby-dick, beir-corpus.jsonl');
    const done = await s.finished(started.id);
    expect(done.state).toBe('done');
    const report = done.result as ImportReport;
    expect(report.totals).toMatchObject({ imported: 3, documents: 7 });
    expect(s.updatesOf(started.id).some((u) => u.progress.unit === 'bytes' && u.progress.done > 0)).toBe(true);

    const stats = await s.impl.corpus.stats({ bucketSize: 50 });
    expect(stats).toMatchObject({ documents: 7, passages: report.totals.passages, duplicates: { exact: 1, near: 1 } });
    expect(stats.histogram.reduce((a, b) => a + b.count, 0)).toBe(stats.passages);
    // Buckets are whole multiples of the bucket size (integer division in SQL).
    for (const b of stats.histogram) expect([b.from % 50, b.to - b.from]).toEqual([0, 50]);
    expect(stats.tokens.max).toBeLessThanOrEqual(300);

    const found = await s.impl.corpus.listPassages({ search: 'carpet bag', offset: 0, limit: 10, duplicates: 'all' });
    expect(found.total).toBeGreaterThan(0);
    expect(found.rows.every((r) => /carpet/i.test(`${r.title} ${r.text}`) && /bag/i.test(`${r.title} ${r.text}`))).toBe(true);
    expect((await s.impl.corpus.listPassages({ offset: 0, limit: 100, duplicates: 'only' })).total).toBe(2);
    const short = await s.impl.corpus.listPassages({ offset: 0, limit: 1000, maxTokens: 100, duplicates: 'hide' });
    expect(short.rows.every((r) => r.tokenCount! <= 100 && r.duplicateOf === null)).toBe(true);

    const doc = await s.impl.corpus.getDocument({ id: found.rows[0].documentId });
    for (const p of doc.passages) expect(p.charEnd!).toBeGreaterThan(p.charStart!);
    const page = await s.impl.corpus.listPassages({ documentId: doc.id, offset: 0, limit: 1000, duplicates: 'all' });
    for (const row of page.rows) expect(doc.text.slice(row.charStart!, row.charEnd!)).toBe(row.text);

    const docs = await s.impl.corpus.listDocuments({ search: 'chapter_001', offset: 0, limit: 10 });
    expect(docs.rows.map((d) => d.title)).toEqual(['Loomings.']);

    const removed = await s.impl.corpus.deleteSource({ sourcePath: fixture('beir-corpus.jsonl') });
    expect(removed).toEqual({ documents: 5, passages: 5 });
    expect((await s.impl.corpus.listPassages({ search: 'candidates', offset: 0, limit: 10, duplicates: 'all' })).rows.every((r) => !r.sourcePath?.endsWith('.jsonl'))).toBe(true);
  });

  test('importSample imports the bundled Moby-Dick chapters', async () => {
    const job = await s.impl.corpus.importSample({});
    const done = await s.finished(job.id);
    expect(done.state).toBe('done');
    expect((done.result as ImportReport).totals.imported).toBeGreaterThanOrEqual(5);
  });

  test('an aborting bad file fails the job with a message naming file and line', async () => {
    const job = await s.impl.corpus.startImport({ paths: [fixture('malformed.jsonl')], onError: 'abort' } as never);
    const done = await s.finished(job.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatchObject({ name: 'ImportAbortedError', message: expect.stringContaining('malformed.jsonl:3') });
  });
});
