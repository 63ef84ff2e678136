// projectTriplets over hand-written mining rows: one kept negative per non-rejected query per epoch,
// with its stored margin; deterministic for (seed, epoch); fresh negatives across a cycle of
// epochs; dropped negatives and rejected queries skipped; unfinished runs refused.
import { afterEach, describe, expect, it } from 'vitest';
import { countProjectTriplets, projectTriplets } from '../../../../src-main/core/mining/project-triplets.js';
import { createMiningRun, finishMiningRun, insertMinedQueries, miningReport, setDropped } from '../../../../src-main/core/mining/store.js';
import { tempProjectDb, type TestDb } from '../../../helpers/project-db.js';

let t: TestDb;
afterEach(() => t?.close());

function setup(): { runId: number; queries: number[]; passages: number[] } {
  t = tempProjectDb('genq-triplets-');
  const { db } = t;
  const doc = Number(db.prepare("INSERT INTO documents (text) VALUES ('d')").run().lastInsertRowid);
  const passages = Array.from({ length: 8 }, (_, i) => Number(db.prepare('INSERT INTO passages (document_id, ordinal, text) VALUES (?, ?, ?)').run(doc, i, `passage ${i}`).lastInsertRowid));
  const queries = [0, 1, 2].map((i) => Number(db.prepare("INSERT INTO queries (passage_id, text, origin) VALUES (?, ?, 'generated')").run(passages[i], `query ${i}`).lastInsertRowid));
  const config = { retrievers: [{ kind: 'bm25' as const }], crossEncoderId: 1, k: 50, negativesPerQuery: 4, seed: 1, batchSize: 32, queriesPerBatch: 64, retrieverNames: ['bm25'], crossEncoder: 'ce' };
  const runId = createMiningRun(db, null, config);
  insertMinedQueries(db, runId, [
    { queryId: queries[0], positiveId: passages[0], cePositive: 5, pool: 7, negatives: [3, 4, 5, 6].map((p) => ({ passageId: passages[p], foundBy: 1, ranks: [p], ceScore: p - 3 })) },
    { queryId: queries[1], positiveId: passages[1], cePositive: 2, pool: 1, negatives: [{ passageId: passages[7], foundBy: 1, ranks: [1], ceScore: 2.5 }] },
    { queryId: queries[2], positiveId: passages[2], cePositive: 1, pool: 2, negatives: [{ passageId: passages[6], foundBy: 1, ranks: [2], ceScore: 0 }] },
  ]);
  return { runId, queries, passages };
}

describe('projectTriplets', () => {
  it('refuses a project without a finished run', () => {
    setup();
    expect(() => projectTriplets(t.db, { seed: 0, epoch: 0 })).toThrow(/no finished mining run/);
  });

  it('gives one negative per query per epoch with its margin, fresh across epochs, reproducible', () => {
    const { runId, queries, passages } = setup();
    finishMiningRun(t.db, runId, miningReport(t.db, runId)!);
    const e0 = projectTriplets(t.db, { seed: 3, epoch: 0 });
    expect(e0.map((x) => x.query)).toEqual(['query 0', 'query 1', 'query 2']);
    expect(e0[1]).toEqual({ query: 'query 1', positive: 'passage 1', negative: 'passage 7', margin: -0.5 });
    expect(e0[2]).toEqual({ query: 'query 2', positive: 'passage 2', negative: 'passage 6', margin: 1 });
    for (const x of e0) expect(x.negative).not.toBe(x.positive);
    // Margin = CE(pos) − CE(neg) for the negative drawn.
    for (const x of e0.filter((y) => y.query === 'query 0')) expect(x.margin).toBe(5 - (Number(x.negative.split(' ')[1]) - 3));
    expect(projectTriplets(t.db, { seed: 3, epoch: 0 })).toEqual(e0);
    // Four epochs walk all four negatives of query 0 once.
    const firstQuery = [0, 1, 2, 3].map((epoch) => projectTriplets(t.db, { seed: 3, epoch })[0].negative);
    expect(new Set(firstQuery).size).toBe(4);
    // Another seed orders them differently (for this seed pair).
    const other = [0, 1, 2, 3].map((epoch) => projectTriplets(t.db, { seed: 4, epoch })[0].negative);
    expect(other).not.toEqual(firstQuery);
    expect(countProjectTriplets(t.db)).toBe(3);

    // Dropped negatives are skipped; a query whose only negative is dropped disappears; so does a rejected query.
    expect(setDropped(t.db, { queryId: queries[1], passageId: passages[7], dropped: true })).toBe(1);
    t.db.prepare("UPDATE queries SET status = 'rejected' WHERE id = ?").run(queries[2]);
    expect(setDropped(t.db, { queryId: queries[0], passageId: passages[3], dropped: true })).toBe(1);
    for (let epoch = 0; epoch < 6; epoch++) {
      const triplets = projectTriplets(t.db, { seed: 3, epoch });
      expect(triplets.map((x) => x.query)).toEqual(['query 0']);
      expect(triplets[0].negative).not.toBe('passage 3');
    }
    expect(countProjectTriplets(t.db)).toBe(1);
  });
});
