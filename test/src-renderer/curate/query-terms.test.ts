import { describe, expect, it } from 'vitest';
import { highlightParts, queryTerms } from '../../../src-renderer/components/corpus/highlight.js';

const marked = (text: string, query: string) =>
  highlightParts(text, queryTerms(query))
    .filter((p) => p.match)
    .map((p) => p.text);

describe("a query's words in its passage", () => {
  it('marks whole words of the query (folded), not function words, not prefixes', () => {
    expect(marked('The Harbour of Hull has two piers; the harbourmaster counts them.', 'how many piers does the harbour have')).toEqual(['Harbour', 'piers']);
    expect(marked('Un café à Paris', 'CAFE paris')).toEqual(['café', 'Paris']);
  });

  it('marks nothing for a query of function words only', () => {
    expect(highlightParts('what is it', queryTerms('what is it'))).toEqual([{ text: 'what is it', match: false }]);
  });
});
