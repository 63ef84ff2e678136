// Near-duplicate queries across the corpus (MinHash + LSH over word sets): stored by the lexical
// signals phase as sig_near_dup_corpus / near_dup_of, earlier wins, threshold from the job params,
// usable in filters and rules, rebuilt when a job resumes; and the corpus dedupe's shingles kept.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signalsParamsSchema } from '../../../../shared/services/curation.js';
import { jaccard, shingles } from '../../../../src-main/core/corpus/dedupe.js';
import { CorpusNearDuplicates } from '../../../../src-main/core/curation/near-dup-corpus.js';
import { countQueries } from '../../../../src-main/core/curation/queries.js';
import { applyRule, parseRuleExpression, previewRule } from '../../../../src-main/core/curation/rules.js';
import { computeSignals } from '../../../../src-main/core/curation/signals-job.js';
import { seed, tempCurationDb, type CurationDb } from './helpers.js';

// Ten distinct words; +1 word → Jaccard 10/11 ≈ 0.909; one word swapped → 9/11 ≈ 0.818.
const BASE = 'when did the captain of pequod first see white whale';
const PLUS_ONE = `${BASE} again`;
const SWAPPED = BASE.replace('captain', 'mate');

let t: CurationDb;
beforeEach(() => {
  t = tempCurationDb();
  seed(t.db, [
    { text: 'Ahab saw the whale at dawn.', queries: [BASE, 'who is ahab'] },
    { text: 'The mate saw it first.', queries: [`${PLUS_ONE}?`, BASE, 'who is ahab'] }, // ids 3, 4, 5
    { text: 'The crew cheered.', queries: [SWAPPED, 'why did the crew cheer'] }, // ids 6, 7
    { text: 'Punctuation only.', queries: ['?!', '…'] }, // ids 8, 9: no words
  ]);
});
afterEach(() => t.close());

type Row = { id: number; sig_near_dup_corpus: number; near_dup_of: number | null };
const rows = () => t.db.prepare('SELECT id, sig_near_dup_corpus, near_dup_of FROM queries ORDER BY id').all() as Row[];
const params = (threshold?: number) => signalsParamsSchema.parse({ nearDupThreshold: threshold });

describe('corpus-wide near-duplicate queries', () => {
  it('flags later queries of other passages at Jaccard ≥ 0.9 by default, pointing at the earlier one', async () => {
    const report = await computeSignals(t.db, t.dir, params());
    expect(report.nearDupThreshold).toBe(0.9);
    const r = rows();
    expect(r[0]).toEqual({ id: 1, sig_near_dup_corpus: 0, near_dup_of: null }); // the first of its family stays
    expect(r[2].near_dup_of).toBe(1);
    expect(r[2].sig_near_dup_corpus).toBeCloseTo(10 / 11, 6);
    expect(r[3]).toEqual({ id: 4, sig_near_dup_corpus: 1, near_dup_of: 1 }); // exact copy in another passage
    expect(r[4]).toEqual({ id: 5, sig_near_dup_corpus: 1, near_dup_of: 2 });
    expect(r[5]).toMatchObject({ id: 6, sig_near_dup_corpus: 0, near_dup_of: null }); // 0.82 < 0.9
    expect(r.slice(6).map((x) => x.sig_near_dup_corpus)).toEqual([0, 0, 0]); // wordless queries are not each other's duplicates
  });

  it('takes the threshold from the job params', async () => {
    await computeSignals(t.db, t.dir, params(0.8));
    const swapped = rows()[5];
    expect(swapped.near_dup_of).not.toBeNull();
    expect(swapped.sig_near_dup_corpus).toBeCloseTo(9 / 11, 6);
  });

  it('filters and rules use it', async () => {
    await computeSignals(t.db, t.dir, params());
    expect(countQueries(t.db, { conditions: [{ signal: 'nearDupCorpus', op: '>=', value: 0.9 }], match: 'all' }).total).toBe(3);
    const rule = parseRuleExpression('reject nearDupCorpus > 0');
    expect(previewRule(t.db, rule)).toMatchObject({ matched: 3, changes: 3 });
    expect(applyRule(t.db, rule).changed).toBe(3);
    expect(t.db.prepare("SELECT id FROM queries WHERE status = 'rejected' ORDER BY id").pluck().all()).toEqual([3, 4, 5]);
  });

  it('a resumed job rebuilds the buckets from the passages already done', () => {
    const finder = new CorpusNearDuplicates(0.9);
    finder.rememberUpTo(t.db, 1);
    expect(finder.check(4, BASE)).toEqual({ of: 1, similarity: 1 });
    expect(finder.check(6, SWAPPED)).toBeNull();
    // Queries checked in the current passage are candidates only after rememberPassage().
    const fresh = new CorpusNearDuplicates(0.9);
    expect(fresh.check(1, BASE)).toBeNull();
    expect(fresh.check(4, BASE)).toBeNull();
    fresh.rememberPassage();
    expect(fresh.check(3, PLUS_ONE)?.of).toBe(1);
  });
});

describe('shingles shared with the corpus dedupe', () => {
  it('3-shingles (passages) are unchanged and 1-shingles are the word set', () => {
    // The hashes the dedupe produced before shingles() took a size (stored LSH state stays valid).
    expect([...shingles('the white whale swims in the sea')]).toEqual([7357160, 420547866, 2604315737, 2778427084, 4011964314]);
    expect(jaccard(shingles('a b c d e f'), shingles('a b c d e x'))).toBeCloseTo(3 / 5, 9);
    expect(shingles('b a b a', 1).length).toBe(2);
    expect(jaccard(shingles('a b c d', 1), shingles('d c b a', 1))).toBe(1);
  });
});
