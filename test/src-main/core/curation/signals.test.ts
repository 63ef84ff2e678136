import { describe, expect, it } from 'vitest';
import { copyRatio, DEGENERATE, degenerateFlags, indexPassage, jaccard, normalizeQuery, passageSignals, words } from '../../../../src-main/core/curation/signals.js';

const PASSAGE = 'The white whale, Moby Dick, was hunted by Captain Ahab across the oceans of the world.';

describe('lexical signals', () => {
  it('gives a query copied from the passage copy ratio 1 and a paraphrase much less', () => {
    const [copied, partial, paraphrase] = passageSignals(PASSAGE, [
      { text: 'Moby Dick, was hunted by Captain Ahab' },
      { text: 'who hunted moby dick' },
      { text: 'which sailor chased the famous cetacean' },
    ]);
    expect(copied.copyRatio).toBe(1);
    expect(copied.overlap).toBe(1);
    expect(partial.copyRatio).toBeCloseTo(2 / 4); // "moby dick" is the longest copied run
    expect(paraphrase.copyRatio).toBeLessThan(0.3);
    expect(paraphrase.overlap).toBeCloseTo(1 / 6); // only "the"
  });

  it('flags an exact duplicate within the passage (the later one) and near duplicates by word Jaccard', () => {
    const s = passageSignals(PASSAGE, [{ text: 'Who is Captain Ahab?' }, { text: 'who is  captain ahab' }, { text: 'who is captain ahab really' }, { text: 'where do whales live' }]);
    expect(s.map((x) => x.dupPassage)).toEqual([0, 1, 0, 0]);
    expect(s[0].nearDup).toBe(0);
    expect(s[1].nearDup).toBe(1);
    expect(s[2].nearDup).toBeCloseTo(4 / 5);
    expect(s[3].nearDup).toBeLessThan(0.2);
  });

  it('counts other passages with the same query (corpus-wide exact duplicates)', () => {
    const counts = new Map([['who is captain ahab', 3]]);
    const [dup, unique] = passageSignals(PASSAGE, [{ text: 'Who is Captain Ahab?' }, { text: 'what is a whale' }], {
      passagesWithQuery: (n) => counts.get(n) ?? 1,
    });
    expect(dup.dupCorpus).toBe(2);
    expect(unique.dupCorpus).toBe(0);
  });

  it('flags degenerate text: repeated tokens, no letters, truncation at the generation limit', () => {
    expect(degenerateFlags('the the the whale', words('the the the whale'), 4)).toBe(DEGENERATE.repeated);
    expect(degenerateFlags('how to how to how to', words('how to how to how to'), 6)).toBe(DEGENERATE.repeated);
    expect(degenerateFlags('1999 ?? 42', words('1999 ?? 42'), 3)).toBe(DEGENERATE.noLetters);
    expect(degenerateFlags('what is a whale', words('what is a whale'), 4)).toBe(0);
    expect(degenerateFlags('what is a whale', words('what is a whale'), 64, 64)).toBe(DEGENERATE.truncated);
    const [s] = passageSignals(PASSAGE, [{ text: '!!!' }], { countTokens: () => 10, maxQueryTokens: 10 });
    expect(s.degenerate).toBe(DEGENERATE.noLetters | DEGENERATE.truncated);
    expect(s.tokens).toBe(10);
    expect(s.words).toBe(0);
  });

  it('normalises queries by words only and measures copies over the passage index', () => {
    expect(normalizeQuery('  Who’s  THE Captain?! ')).toBe('who’s the captain');
    expect(copyRatio(words('captain ahab across the oceans'), indexPassage(PASSAGE))).toBe(1);
    expect(copyRatio([], indexPassage(PASSAGE))).toBe(0);
    expect(jaccard(new Set(['a', 'b']), new Set(['b', 'c']))).toBeCloseTo(1 / 3);
  });
});
