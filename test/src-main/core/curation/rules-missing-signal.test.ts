// A rule over a signal nobody computed says so (preview lists it, apply refuses) instead of matching nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyRule, parseRuleExpression, previewRule, RuleError } from '../../../../src-main/core/curation/rules.js';
import { seed, statuses, tempCurationDb, type CurationDb } from './helpers.js';

let t: CurationDb;
beforeEach(() => {
  t = tempCurationDb();
  seed(t.db, [{ text: 'The harbour has two piers.', queries: ['how many piers', 'harbour'] }]);
});
afterEach(() => t.close());

describe('rules over uncomputed signals', () => {
  it('names the missing signal and how to compute it, and changes nothing', () => {
    const rule = parseRuleExpression('keep top 70% by relevance per corpus');
    expect(previewRule(t.db, rule).missingSignals).toEqual(['relevance']);
    expect(() => applyRule(t.db, rule)).toThrow(RuleError);
    expect(() => applyRule(t.db, rule)).toThrow(/needs relevance, which no query has yet: compute signals with a cross-encoder first/);
    const roundtrip = parseRuleExpression('reject roundtripRank > 10');
    expect(() => applyRule(t.db, roundtrip)).toThrow(/needs roundtripRank.*round-trip encoder/);
    expect(statuses(t.db)).toEqual({ pending: 2 });
  });

  it('applies once one query has the signal', () => {
    t.db.prepare('UPDATE queries SET sig_roundtrip = 50 WHERE id = 1').run();
    const rule = parseRuleExpression('reject roundtripRank > 10');
    expect(previewRule(t.db, rule).missingSignals).toEqual([]);
    expect(applyRule(t.db, rule).changed).toBe(1);
  });
});
