// The 'curation.signals' job end to end (worker thread, tiny models), resuming from a checkpoint,
// and the curation API over the dispatcher.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSignals } from '../../../../src-main/core/curation/signals-job.js';
import { loadRoundtripEmbedder, passageSearch, roundtripModel, roundtripRanks } from '../../../../src-main/core/curation/roundtrip.js';
import { buildIndexForModel } from '../../../../src-main/core/index/build-for-model.js';
import { signalsParamsSchema } from '../../../../shared/services/curation.js';
import { indexBuildParamsSchema } from '../../../../shared/services/search.js';
import { servicesOnNewProject, type TestServices } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { seed } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/${name}/`, import.meta.url));
const tempDir = useTempDirs('genq-curation-job-');

const PASSAGES = [
  'The President proposed a new budget for the highways and bridges of the nation.',
  'Congress debated the tariff on imported cotton and wool for many weeks.',
  'The treaty with Great Britain settled the northern boundary dispute peacefully.',
  'Veterans of the war received pensions and medical care from the government.',
];

let s: TestServices;
let encoderId: number;
let crossId: number;
beforeAll(async () => {
  s = await servicesOnNewProject(tempDir());
  const db = s.projects.require().project.db;
  seed(
    db,
    PASSAGES.map((text, i) => ({ text, queries: [text, `what about ${['roads', 'cotton', 'borders', 'pensions'][i]}`, '1999 2000 2001'] })),
  );
  encoderId = Number(db.prepare("INSERT INTO models (name, role, path) VALUES ('tiny-bert', 'encoder', ?)").run(fixture('tiny-bert')).lastInsertRowid);
  crossId = Number(db.prepare("INSERT INTO models (name, role, path) VALUES ('tiny-cross', 'cross-encoder', ?)").run(fixture('tiny-cross-encoder')).lastInsertRowid);
}, 60_000);
afterAll(() => s?.dispose());

/** A curation.* call through the dispatcher (validation included); rejects with the wire error. */
async function call(method: string, input: unknown): Promise<any> {
  const r = await s.dispatch('curation', method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { name: r.error.name });
  return r.value;
}

describe('curation.signals job', () => {
  it('computes lexical, round-trip and relevance signals in the job worker', async () => {
    const job = await call('computeSignals', { roundtrip: true, roundtripK: 3, crossEncoderId: crossId });
    const done = await s.finished(job.id);
    expect(done.state).toBe('done');
    const db = s.projects.require().project.db;
    const rows = db.prepare('SELECT id, text, passage_id, sig_copy, sig_roundtrip, sig_relevance, sig_degenerate, sig_dup_corpus, sig_tokens FROM queries ORDER BY id').all() as Array<
      Record<string, any>
    >;
    const copies = rows.filter((_, i) => i % 3 === 0);
    // A query equal to its passage: copy ratio 1 and its own passage ranked first by tiny-bert.
    for (const q of copies) {
      expect(q.sig_copy).toBe(1);
      expect(q.sig_roundtrip).toBe(1);
    }
    for (const q of rows) {
      expect(q.sig_roundtrip).toBeGreaterThanOrEqual(1);
      expect(q.sig_roundtrip).toBeLessThanOrEqual(4); // k + 1 = not in the top 3
      expect(q.sig_relevance).toBeGreaterThan(0);
      expect(q.sig_relevance).toBeLessThan(1);
    }
    const numbers = rows.filter((_, i) => i % 3 === 2);
    for (const q of numbers) {
      expect(q.sig_degenerate & 2).toBe(2); // no letters
      expect(q.sig_dup_corpus).toBe(3); // the same query in the 3 other passages
    }
    // Tokens are counted with the project's encoder tokenizer (tiny-bert), not estimated.
    expect(done.result).toMatchObject({ tokenizer: fixture('tiny-bert'), roundtrip: { modelId: encoderId, search: 'exact', k: 3 } });
    expect(db.prepare("SELECT COUNT(*) AS n FROM runs WHERE kind = 'signals'").get()).toEqual({ n: 1 });
  }, 60_000);

  it('resumes after the checkpoint: earlier phases and committed rows are not recomputed', async () => {
    const db = s.projects.require().project.db;
    db.prepare('UPDATE queries SET sig_copy = -1, sig_roundtrip = -1').run();
    const saved: unknown[] = [];
    await computeSignals(db, s.dir, signalsParamsSchema.parse({ roundtrip: encoderId, roundtripK: 3 }), {
      checkpoint: { phase: 'roundtrip', afterId: 6 },
      saveCheckpoint: (c) => saved.push(c),
    });
    const rows = db.prepare('SELECT id, sig_copy, sig_roundtrip FROM queries ORDER BY id').all() as Array<{ id: number; sig_copy: number; sig_roundtrip: number }>;
    expect(rows.every((r) => r.sig_copy === -1)).toBe(true);
    expect(rows.filter((r) => r.id <= 6).every((r) => r.sig_roundtrip === -1)).toBe(true);
    expect(rows.filter((r) => r.id > 6).every((r) => r.sig_roundtrip >= 1)).toBe(true);
    expect(saved.at(-1)).toEqual({ phase: 'roundtrip', afterId: 12 });
  }, 60_000);
});

describe('round trip over the saved HNSW index', () => {
  it('uses the fresh index of the model and ranks a query equal to its passage first', async () => {
    const db = s.projects.require().project.db;
    await buildIndexForModel(s.dir, db, indexBuildParamsSchema.parse({ modelId: encoderId }));
    const model = roundtripModel(db);
    expect(model.id).toBe(encoderId);
    const embedder = await loadRoundtripEmbedder(s.dir, db, model);
    try {
      const search = await passageSearch(s.dir, db, model, embedder);
      expect(search.kind).toBe('hnsw');
      const ranks = await roundtripRanks(embedder, search, PASSAGES.map((text, i) => ({ passageId: i + 1, text })), 10);
      expect(ranks).toEqual([1, 1, 1, 1]);
    } finally {
      await embedder.release();
    }
  }, 60_000);
});

describe('curation API', () => {
  it('lists, counts, bulk-rejects by filter, undoes, histograms and splits through the dispatcher', async () => {
    const filter = { conditions: [{ signal: 'degenerate', op: '>', value: 0 }] };
    const listed = await call('listQueries', { filter, limit: 2 });
    expect(listed.total).toBe(4);
    expect(listed.rows).toHaveLength(2);
    expect(listed.rows[0]).toMatchObject({ text: '1999 2000 2001', status: 'pending', split: 'train', signals: { degenerate: expect.any(Number) } });
    expect(await call('previewRule', { rule: { type: 'filter', action: 'rejected', filter } })).toMatchObject({ changes: 4 });
    expect(await call('setStatus', { filter, status: 'rejected' })).toMatchObject({ changed: 4 });
    expect(await call('counts', {})).toEqual({ total: 12, pending: 8, accepted: 0, rejected: 4 });
    expect((await call('history', {}))[0]).toMatchObject({ label: 'reject degenerate > 0', rowCount: 4 });
    expect(await call('undo', {})).toMatchObject({ rowCount: 4 });
    expect(await call('counts', {})).toMatchObject({ rejected: 0 });
    const hist = await call('histogram', { signal: 'words', bins: 5 });
    expect(hist.bins.reduce((a: number, b: { count: number }) => a + b.count, 0)).toBe(12);
    expect(await call('makeSplit', { share: 0.25, seed: 1 })).toEqual({ evalPassages: 1, trainPassages: 3 });
    expect((await call('counts', { filter: { split: 'eval' } })).total).toBe(3);
    await expect(call('setStatus', { filter: {}, status: 'maybe' })).rejects.toThrow(/status/);
  });
});
