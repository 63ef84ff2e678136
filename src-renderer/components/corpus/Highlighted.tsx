import type { SearchTerms } from './highlight.js';
import { highlightParts } from './highlight.js';

/** Text with the search's matches wrapped in <mark>. */
export function Highlighted({ text, terms }: { text: string; terms: SearchTerms }) {
  return (
    <>
      {highlightParts(text, terms).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </>
  );
}
