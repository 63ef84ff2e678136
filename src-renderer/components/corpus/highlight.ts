// Which words of a passage a full-text search matched, for <mark>ing them. Mirrors how the
// corpus service builds its FTS5 query (corpus-queries.ts ftsQuery): letters/digits words, the
// last one a prefix; FTS5's unicode61 tokenizer folds case and diacritics, so we do too.

export interface TextPart {
  text: string;
  match: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export interface SearchTerms {
  exact: Set<string>;
  /** The last word typed matches as a prefix ("whal" finds "whale"). */
  prefix: string | null;
}

export function searchTerms(search: string | undefined): SearchTerms {
  const words = (search ?? '').match(WORD)?.map(fold) ?? [];
  const prefix = words.length ? words[words.length - 1] : null;
  return { exact: new Set(words.slice(0, -1)), prefix };
}

/** Common English function words: not worth marking when a query's words are shown in its passage. */
const STOPWORDS = new Set(
  'a an and are as at be by did do does for from had has have how in is it its of on or that the their there these this to was were what when where which who whom why will with'.split(' '),
);

/** A query's own words (no prefix, no function words): to mark where they occur in its passage. */
export function queryTerms(query: string): SearchTerms {
  const words = (query.match(WORD) ?? []).map(fold).filter((w) => !STOPWORDS.has(w));
  return { exact: new Set(words), prefix: null };
}

/** Splits text into alternating unmatched/matched parts; joining the parts gives back the text. */
export function highlightParts(text: string, terms: SearchTerms): TextPart[] {
  const prefix = terms.prefix;
  if (!prefix && terms.exact.size === 0) return [{ text, match: false }];
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(WORD)) {
    const word = fold(m[0]);
    const hit = terms.exact.has(word) || (prefix !== null && word.startsWith(prefix));
    if (!hit) continue;
    const start = m.index;
    if (start > last) parts.push({ text: text.slice(last, start), match: false });
    parts.push({ text: m[0], match: true });
    last = start + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}
