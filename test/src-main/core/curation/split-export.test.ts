import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBeirFolder } from '../../../../src-main/core/eval/beir.js';
import { exportPairs } from '../../../../src-main/core/curation/export.js';
import { importPairs, ImportPairsError } from '../../../../src-main/core/curation/import-pairs.js';
import { makeSplit, splitDraw } from '../../../../src-main/core/curation/splits.js';
import { seed, tempCurationDb, type CurationDb } from './helpers.js';

let t: CurationDb;
beforeEach(() => {
  t = tempCurationDb();
});
afterEach(() => t.close());

const evalIds = () => (t.db.prepare("SELECT id FROM passages WHERE split = 'eval' ORDER BY id").all() as Array<{ id: number }>).map((r) => r.id);

describe('eval split', () => {
  it('holds out the seeded share of passages, the same ones for the same seed', () => {
    seed(t.db, Array.from({ length: 200 }, (_, i) => ({ text: `passage number ${i} about whales`, queries: [`query ${i}`] })));
    expect(makeSplit(t.db, 0.1, 7)).toEqual({ evalPassages: 20, trainPassages: 180 });
    const first = evalIds();
    expect(first).toHaveLength(20);
    makeSplit(t.db, 0.1, 8);
    const other = evalIds();
    expect(other).not.toEqual(first);
    makeSplit(t.db, 0.1, 7);
    expect(evalIds()).toEqual(first);
    expect(splitDraw(7, 1)).toBe(splitDraw(7, 1));
    // Spread over the whole id range, not a block at one end.
    expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(100);
  });
});

describe('export / import', () => {
  const PASSAGES = [
    { text: 'Call me Ishmael.\tSome years ago\nI went to sea.', queries: ['who is the narrator', 'call me ishmael'], title: 'Loomings' },
    { text: 'Captain Ahab hunts the white whale.', queries: ['who hunts the whale', 'what does "ahab" want'] },
  ];

  function acceptSome(): void {
    t.db.prepare("UPDATE queries SET status = 'accepted' WHERE id IN (1, 3, 4)").run();
    t.db.prepare("UPDATE queries SET status = 'rejected' WHERE id = 2").run();
  }

  it('writes accepted pairs as TSV and JSONL, and re-imports them onto the same passages', () => {
    seed(t.db, PASSAGES);
    acceptSome();
    const tsv = exportPairs(t.db, 'tsv', join(t.dir, 'out', 'pairs.tsv'));
    expect(tsv.pairs).toBe(3);
    const lines = readFileSync(tsv.path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('who is the narrator\tCall me Ishmael. Some years ago I went to sea.');
    expect(lines.every((l) => l.split('\t').length === 2)).toBe(true);

    const jsonl = exportPairs(t.db, 'jsonl', join(t.dir, 'out', 'pairs.jsonl'));
    const records = readFileSync(jsonl.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(records[2]).toEqual({ query: 'what does "ahab" want', passage: 'Captain Ahab hunts the white whale.', queryId: 4, passageId: 2, split: 'train', status: 'accepted' });

    // Edit the TSV: one query reworded, one new pair for a passage the project lacks.
    writeFileSync(tsv.path, `query\tpassage\n${lines[0]}\nwho hunts the whale?\tCaptain Ahab hunts the white whale.\nwho pursues moby dick\tCaptain Ahab hunts the white whale.\nwhat is a harpoon\tA harpoon is a spear.\n`);
    t.db.prepare("UPDATE queries SET status = 'pending'").run();
    const report = importPairs(t.db, tsv.path);
    expect(report).toMatchObject({ imported: 2, existing: 2, newPassages: 1, errorCount: 0 });
    expect(t.db.prepare("SELECT passage_id, text, origin FROM queries WHERE origin = 'imported' ORDER BY id").all()).toEqual([
      { passage_id: 2, text: 'who pursues moby dick', origin: 'imported' },
      { passage_id: 3, text: 'what is a harpoon', origin: 'imported' },
    ]);
    expect(t.db.prepare("SELECT COUNT(*) AS n FROM queries WHERE status = 'accepted'").get()).toEqual({ n: 4 });

    // JSONL round trip: everything matches existing queries.
    const again = importPairs(t.db, jsonl.path);
    expect(again).toMatchObject({ imported: 0, existing: 3, newPassages: 0 });
  });

  it('reports bad lines with their line numbers and keeps the good ones', () => {
    seed(t.db, PASSAGES);
    const bad = join(t.dir, 'bad.jsonl');
    writeFileSync(bad, ['{"query": "a fine query", "passage": "Captain Ahab hunts the white whale."}', '{"query": 3}', 'not json', '{"query": "x", "passageId": 99}', ''].join('\n'));
    const report = importPairs(t.db, bad);
    expect(report.imported).toBe(1);
    expect(report.errorCount).toBe(3);
    expect(report.errors.map((e) => e.line)).toEqual([2, 3, 4]);
    expect(report.errors[0].message).toBe('bad.jsonl:2: missing string field "query"');
    expect(report.errors[2].message).toContain('passage 99 does not exist');
    const noTab = join(t.dir, 'bad.tsv');
    writeFileSync(noTab, 'just a query\n');
    expect(importPairs(t.db, noTab).errors[0].message).toBe('bad.tsv:1: expected "query<TAB>passage" (no tab found)');
    expect(() => importPairs(t.db, join(t.dir, 'pairs.csv'))).toThrow(ImportPairsError);
  });

  it("writes a BEIR folder that the eval stage reads back", async () => {
    seed(t.db, PASSAGES);
    acceptSome();
    const out = exportPairs(t.db, 'beir', join(t.dir, 'beir'));
    expect(out.pairs).toBe(3);
    const beir = await readBeirFolder(out.path);
    expect(beir.corpus.map((d) => d.id)).toEqual(['1', '2']);
    expect(beir.queries.map((q) => q.id)).toEqual(['1', '3', '4']);
    expect(beir.qrels['4']).toEqual({ '2': 1 });
  });
});
