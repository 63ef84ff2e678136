// splitInfo: what the UI shows of the held-out split (share, seed, passages, eval queries by status).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSplit, splitInfo } from '../../../../src-main/core/curation/splits.js';
import { seed, tempCurationDb, type CurationDb } from './helpers.js';

let t: CurationDb;
beforeEach(() => {
  t = tempCurationDb();
});
afterEach(() => t.close());

describe('splitInfo', () => {
  it('says no split was made, then the share, seed and eval queries by status of the last one', () => {
    seed(t.db, Array.from({ length: 20 }, (_, i) => ({ text: `passage ${i} on lighthouses`, queries: [`q ${i} a`, `q ${i} b`] })));
    expect(splitInfo(t.db)).toEqual({ share: null, seed: null, evalPassages: 0, trainPassages: 20, evalQueries: { total: 0, accepted: 0, pending: 0, rejected: 0 } });
    makeSplit(t.db, 0.25, 3);
    const evalPassage = t.db.prepare("SELECT id FROM passages WHERE split = 'eval' ORDER BY id LIMIT 1").pluck().get() as number;
    t.db.prepare("UPDATE queries SET status = 'rejected' WHERE passage_id = ? AND text LIKE '% a'").run(evalPassage);
    t.db.prepare("UPDATE queries SET status = 'accepted' WHERE passage_id = ? AND text LIKE '% b'").run(evalPassage);
    expect(splitInfo(t.db)).toEqual({ share: 0.25, seed: 3, evalPassages: 5, trainPassages: 15, evalQueries: { total: 10, accepted: 1, pending: 8, rejected: 1 } });
  });
});
