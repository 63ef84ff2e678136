// Document text → passages: sentence-aware windows under a token budget. Sentences come from
// Intl.Segmenter (UAX #29, so line and paragraph breaks also end a sentence); a sentence over
// the budget is split at spaces, and a single "word" over it at characters. Every passage is a
// [start, end) span of the document text, trimmed of surrounding whitespace, so
// documents.text.slice(start, end) is exactly the passage text.

export type TokenCounter = (text: string) => number;

export interface ChunkOptions {
  /** Hard limit on tokens per passage (counted on the passage text, without special tokens). */
  maxTokens: number;
  /** Tokens of trailing sentences repeated at the start of the next passage (0 = none). */
  overlapTokens: number;
  /** Passages with fewer characters are dropped (and counted by the caller). */
  minChars: number;
  countTokens: TokenCounter;
}

/** A part of the document chunked on its own (a markdown section, a PDF page); may carry a title. */
export interface Section {
  start: number;
  end: number;
  title?: string;
}

export interface PassageSpan {
  start: number;
  end: number;
  tokenCount: number;
  title?: string;
}

export interface ChunkResult {
  passages: PassageSpan[];
  /** Passages dropped for being shorter than minChars. */
  droppedShort: number;
}

/**
 * Used when no generation model is configured: one token per run of letters/digits or per
 * punctuation mark, plus one per further 8 characters of a long run (WordPiece splits rare long
 * words). It tracks BERT/T5 counts on English prose within ~15%, usually above them.
 * Same count as the regex /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu (a run's length in UTF-16
 * units), computed by a character-class scan: the regex was the import's largest single cost.
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  let run = 0; // UTF-16 units in the current letter/digit run
  for (let i = 0; i < text.length; ) {
    let c = text.charCodeAt(i);
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    const cls = charClass(c);
    if (cls === WORD) run += width;
    else {
      if (run) tokens += 1 + ((run - 1) >> 3);
      run = 0;
      if (cls === OTHER) tokens++;
    }
    i += width;
  }
  if (run) tokens += 1 + ((run - 1) >> 3);
  return tokens;
}

const SPACE = 1;
const WORD = 2;
const OTHER = 3;
const wordChar = /^[\p{L}\p{M}\p{N}]$/u;
const spaceChar = /^\s$/u;
// Class of each BMP code unit, filled on first sight (0 = not classified yet).
const bmpClass = new Uint8Array(0x10000);

function classify(codePoint: number): number {
  const ch = String.fromCodePoint(codePoint);
  return wordChar.test(ch) ? WORD : spaceChar.test(ch) ? SPACE : OTHER;
}

function charClass(codePoint: number): number {
  if (codePoint > 0xffff) return classify(codePoint);
  return bmpClass[codePoint] || (bmpClass[codePoint] = classify(codePoint));
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

interface Unit {
  start: number;
  end: number;
  tokens: number;
}

/** Trims [start, end) of `text` to its non-whitespace core; null when nothing is left. */
function trimSpan(text: string, start: number, end: number): [number, number] | null {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return start < end ? [start, end] : null;
}

/** Splits one over-budget span at characters, each piece as long as the budget allows. */
function splitByChars(text: string, start: number, end: number, opts: ChunkOptions, out: Unit[]): void {
  while (start < end) {
    let lo = start + 1;
    let hi = end;
    // Largest piece end with count ≤ budget (binary search; at least one character).
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (opts.countTokens(text.slice(start, mid)) <= opts.maxTokens) lo = mid;
      else hi = mid - 1;
    }
    // Never cut a surrogate pair in half.
    if (lo < end && lo > start + 1 && /[\uD800-\uDBFF]/.test(text[lo - 1])) lo--;
    out.push({ start, end: lo, tokens: opts.countTokens(text.slice(start, lo)) });
    start = lo;
  }
}

/** Splits an over-budget sentence at whitespace into budget-sized units. */
function splitLongSentence(text: string, start: number, end: number, opts: ChunkOptions, out: Unit[]): void {
  const words: Unit[] = [];
  const re = /\S+/g;
  re.lastIndex = start;
  for (let m = re.exec(text); m && m.index < end; m = re.exec(text)) {
    const wEnd = Math.min(m.index + m[0].length, end);
    const tokens = opts.countTokens(text.slice(m.index, wEnd));
    if (tokens > opts.maxTokens) splitByChars(text, m.index, wEnd, opts, words);
    else words.push({ start: m.index, end: wEnd, tokens });
  }
  packUnits(text, words, { ...opts, overlapTokens: 0 }).forEach((p) => out.push({ start: p.start, end: p.end, tokens: p.tokenCount }));
}

// V8's Intl.Segmenter slows down superlinearly on long strings (a 46 KB paragraph segments
// ~7× slower than the same text in 4 KB pieces), so long sections are segmented in pieces; the
// last sentence of a piece may be cut, so it is segmented again at the start of the next piece.
const SEGMENT_PIECE = 4096;

function sentenceUnits(text: string, section: Section, opts: ChunkOptions): Unit[] {
  const units: Unit[] = [];
  const addSentence = (start: number, end: number) => {
    const span = trimSpan(text, start, end);
    if (!span) return;
    const tokens = opts.countTokens(text.slice(span[0], span[1]));
    if (tokens > opts.maxTokens) splitLongSentence(text, span[0], span[1], opts, units);
    else units.push({ start: span[0], end: span[1], tokens });
  };
  for (let pos = section.start; pos < section.end; ) {
    let pieceEnd = Math.min(section.end, pos + SEGMENT_PIECE);
    if (pieceEnd < section.end) {
      // Never cut a word (or a surrogate pair): end the piece after its last whitespace (when
      // that is not its first character). A backward scan: a /\s\S*$/ search was quadratic-ish.
      let space = pieceEnd - 1;
      while (space > pos && charClass(text.charCodeAt(space)) !== SPACE) space--;
      if (space > pos) pieceEnd = space + 1;
    }
    const segments = [...sentenceSegmenter.segment(text.slice(pos, pieceEnd))];
    const last = pieceEnd < section.end && segments.length > 1 ? segments.length - 1 : segments.length;
    for (let k = 0; k < last; k++) addSentence(pos + segments[k].index, pos + segments[k].index + segments[k].segment.length);
    pos = last < segments.length ? pos + segments[last].index : pieceEnd;
  }
  return units;
}

/** Whether units [i, j) are each separated from the next by whitespace (no two abut). */
function whitespaceSeparated(units: Unit[], i: number, j: number): boolean {
  for (let k = i + 1; k < j; k++) if (units[k].start === units[k - 1].end) return false;
  return true;
}

/** The longest window from unit i whose real token count fits: [i, j) and its count. */
function windowFrom(text: string, units: Unit[], i: number, opts: ChunkOptions): { j: number; tokenCount: number } {
  let j = i + 1;
  let sum = units[i].tokens;
  while (j < units.length && sum + units[j].tokens <= opts.maxTokens) sum += units[j++].tokens;
  // The estimate's count of units joined by whitespace is exactly the sum of theirs (whitespace
  // ends a run and counts nothing), so each sentence is counted once. Model tokenizers are
  // re-counted: some (Metaspace, whitespace-collapsing normalizers) are not additive.
  if (opts.countTokens === estimateTokens && whitespaceSeparated(units, i, j)) return { j, tokenCount: sum };
  // Token counts are not exactly additive across sentence joins: shrink until the real count fits.
  const countOf = (end: number) => (end - i === 1 ? units[i].tokens : opts.countTokens(text.slice(units[i].start, units[end - 1].end)));
  let tokenCount = countOf(j);
  while (tokenCount > opts.maxTokens && j - i > 1) tokenCount = countOf(--j);
  return { j, tokenCount };
}

/** Greedy windows over units, each checked against the budget with the real count. */
function packUnits(text: string, units: Unit[], opts: ChunkOptions): PassageSpan[] {
  const passages: PassageSpan[] = [];
  let i = 0;
  let covered = 0; // units before this index are in some passage already
  while (covered < units.length) {
    let w = windowFrom(text, units, i, opts);
    // An overlapping start must still reach new text; otherwise start at the first new unit.
    if (w.j <= covered) {
      i = covered;
      w = windowFrom(text, units, i, opts);
    }
    passages.push({ start: units[i].start, end: units[w.j - 1].end, tokenCount: w.tokenCount });
    covered = w.j;
    if (covered >= units.length) break;
    // Overlap: restart a few units back (never at or before this window's start).
    let k = covered;
    let overlap = 0;
    while (k - 1 > i && overlap + units[k - 1].tokens <= opts.overlapTokens) overlap += units[--k].tokens;
    i = k;
  }
  return passages;
}

/** Chunks a document; `sections` default to the whole text. */
export function chunkDocument(text: string, sections: Section[] | undefined, opts: ChunkOptions): ChunkResult {
  if (!(opts.maxTokens >= 1)) throw new RangeError(`maxTokens must be at least 1 (got ${opts.maxTokens})`);
  if (opts.overlapTokens >= opts.maxTokens) throw new RangeError(`overlapTokens (${opts.overlapTokens}) must be below maxTokens (${opts.maxTokens})`);
  const passages: PassageSpan[] = [];
  let droppedShort = 0;
  for (const section of sections ?? [{ start: 0, end: text.length }]) {
    for (const p of packUnits(text, sentenceUnits(text, section, opts), opts)) {
      if (p.end - p.start < opts.minChars) droppedShort++;
      else passages.push(section.title !== undefined ? { ...p, title: section.title } : p);
    }
  }
  return { passages, droppedShort };
}
