// Per-query quality signals that need no model: length, exact and near duplicates, lexical copy
// of the passage and degenerate text. Pure functions over strings; the signals job feeds them one
// passage (with its queries) at a time and stores the results as columns of `queries`.

/** Bit flags of QuerySignals.degenerate. */
export const DEGENERATE = { repeated: 1, noLetters: 2, truncated: 4 } as const;

export interface LexicalSignals {
  tokens: number;
  words: number;
  /** Share of the query's words that occur anywhere in the passage, 0..1. */
  overlap: number;
  /** Longest run of consecutive query words found verbatim in the passage / query words (a copied query = 1). */
  copyRatio: number;
  /** 1 when an earlier query (lower id) of the same passage has the same normalised text. */
  dupPassage: 0 | 1;
  /** Number of other passages that have a query with the same normalised text. */
  dupCorpus: number;
  /** Highest word Jaccard similarity with an earlier query of the same passage (0 for the first). */
  nearDup: number;
  /** DEGENERATE bit flags (0 = fine). */
  degenerate: number;
}

export interface SignalOptions {
  /** Query length in model tokens; defaults to a word-and-punctuation estimate. */
  countTokens?(text: string): number;
  /** Generation limit in tokens: a query this long was most likely cut off. */
  maxQueryTokens?: number;
  /** For dupCorpus: how many distinct passages have a query with this normalised text. */
  passagesWithQuery?(normalized: string): number;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
const LETTER = /\p{L}/u;
const ROUGH_TOKEN = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/** Lower-cased words (letters/digits, inner apostrophes kept). */
export function words(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

/** The text duplicates are compared by: lower-cased words joined by single spaces (punctuation and spacing ignored). */
export function normalizeQuery(text: string): string {
  return words(text).join(' ');
}

export function estimateTokens(text: string): number {
  return text.match(ROUGH_TOKEN)?.length ?? 0;
}

/** word → positions in the passage, built once per passage and shared by its queries. */
export interface PassageWords {
  words: string[];
  positions: Map<string, number[]>;
}

export function indexPassage(text: string): PassageWords {
  const list = words(text);
  const positions = new Map<string, number[]>();
  list.forEach((w, i) => {
    const at = positions.get(w);
    if (at) at.push(i);
    else positions.set(w, [i]);
  });
  return { words: list, positions };
}

/** Longest run of consecutive query words that appears verbatim in the passage, over the query's length. */
export function copyRatio(query: readonly string[], passage: PassageWords): number {
  if (query.length === 0) return 0;
  let longest = 0;
  for (let i = 0; i < query.length && longest < query.length - i; i++) {
    for (const start of passage.positions.get(query[i]) ?? []) {
      let n = 1;
      while (i + n < query.length && start + n < passage.words.length && passage.words[start + n] === query[i + n]) n++;
      if (n > longest) longest = n;
    }
  }
  return longest / query.length;
}

export function overlap(query: readonly string[], passage: PassageWords): number {
  if (query.length === 0) return 0;
  let found = 0;
  for (const w of query) if (passage.positions.has(w)) found++;
  return found / query.length;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const w of a) if (b.has(w)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Repeated tokens ("the the the", or at most half of 4+ words distinct), no letters at all, or cut off at the generation limit. */
export function degenerateFlags(text: string, queryWords: readonly string[], tokens: number, maxQueryTokens?: number): number {
  let flags = 0;
  let run = 1;
  for (let i = 1; i < queryWords.length && run < 3; i++) run = queryWords[i] === queryWords[i - 1] ? run + 1 : 1;
  if (run >= 3 || (queryWords.length >= 4 && new Set(queryWords).size * 2 <= queryWords.length)) flags |= DEGENERATE.repeated;
  if (!LETTER.test(text)) flags |= DEGENERATE.noLetters;
  if (maxQueryTokens !== undefined && tokens >= maxQueryTokens) flags |= DEGENERATE.truncated;
  return flags;
}

/** Signals of every query of one passage; `queries` in id order (earlier ones win duplicates). */
export function passageSignals(passageText: string, queries: ReadonlyArray<{ text: string }>, opts: SignalOptions = {}): LexicalSignals[] {
  const passage = indexPassage(passageText);
  const seen = new Set<string>();
  const earlier: Array<Set<string>> = [];
  return queries.map((q) => {
    const qWords = words(q.text);
    const normalized = qWords.join(' ');
    const tokens = opts.countTokens ? opts.countTokens(q.text) : estimateTokens(q.text);
    const wordSet = new Set(qWords);
    let nearDup = 0;
    for (const other of earlier) nearDup = Math.max(nearDup, jaccard(wordSet, other));
    earlier.push(wordSet);
    const dupPassage: 0 | 1 = seen.has(normalized) ? 1 : 0;
    seen.add(normalized);
    const elsewhere = opts.passagesWithQuery ? Math.max(0, opts.passagesWithQuery(normalized) - 1) : 0;
    return {
      tokens,
      words: qWords.length,
      overlap: overlap(qWords, passage),
      copyRatio: copyRatio(qWords, passage),
      dupPassage,
      dupCorpus: elsewhere,
      nearDup,
      degenerate: degenerateFlags(q.text, qWords, tokens, opts.maxQueryTokens),
    };
  });
}
