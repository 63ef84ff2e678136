import { describe, expect, it } from 'vitest';
import { highlightParts, searchTerms } from '../../../src-renderer/components/corpus/highlight.js';

const marked = (text: string, search: string) =>
  highlightParts(text, searchTerms(search))
    .filter((p) => p.match)
    .map((p) => p.text);

describe('search highlighting (mirrors the FTS5 query: words ANDed, last one a prefix)', () => {
  it('marks whole words case-insensitively and the last word as a prefix', () => {
    expect(marked('Call me Ishmael. Whales and whaling.', 'call whal')).toEqual(['Call', 'Whales', 'whaling']);
    // Earlier words match whole words only, as FTS5 does.
    expect(marked('Calling callers to call', 'call x')).toEqual(['call']);
  });

  it('folds diacritics like the unicode61 tokenizer', () => {
    expect(marked('Un café à Paris', 'cafe')).toEqual(['café']);
    expect(marked('Ein Schiff fährt', 'FAHRT')).toEqual(['fährt']);
  });

  it('keeps every character: the parts join back into the text', () => {
    const text = 'The zeppelin — over the harbour, at dawn; ZEPPELINS everywhere!';
    const parts = highlightParts(text, searchTerms('zeppelin'));
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual(['zeppelin', 'ZEPPELINS']);
  });

  it('marks nothing without a search or with punctuation only', () => {
    expect(highlightParts('some text', searchTerms(undefined))).toEqual([{ text: 'some text', match: false }]);
    expect(highlightParts('some text', searchTerms(' ?! '))).toEqual([{ text: 'some text', match: false }]);
  });
});
