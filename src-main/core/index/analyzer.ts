// Text analysis for BM25, modelled on Lucene's EnglishAnalyzer, which Anserini/Pyserini use for
// the BEIR BM25 baselines: UAX#29 word tokenization (Lucene's StandardTokenizer implements the
// same Unicode standard; here Intl.Segmenter does), possessive "'s" removal, lower-casing,
// Lucene's English stop words, and the Porter stemmer (npm `stemmer`, the same algorithm as
// Lucene's PorterStemFilter).
import { stemmer } from 'stemmer';

/** Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET. */
const ENGLISH_STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not',
  'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was',
  'will', 'with',
]);

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

// ICU's segmenter slows down super-linearly on multi-megabyte strings, so long texts are cut at
// whitespace into pieces of about this many characters first (a cut never splits a word).
const SEGMENT_PIECE_CHARS = 16_384;

function* textPieces(text: string): Generator<string> {
  let start = 0;
  while (text.length - start > SEGMENT_PIECE_CHARS) {
    let cut = text.lastIndexOf(' ', start + SEGMENT_PIECE_CHARS);
    if (cut <= start) cut = start + SEGMENT_PIECE_CHARS;
    yield text.slice(start, cut);
    start = cut;
  }
  yield text.slice(start);
}

const POSSESSIVE = /['’]s$/;

/** Terms of `text` in order, after tokenization, stop-word removal and stemming. */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const piece of textPieces(text)) {
    for (const segment of segmenter.segment(piece)) {
      if (!segment.isWordLike) continue;
      const word = segment.segment.toLowerCase().replace(POSSESSIVE, '');
      if (word.length === 0 || ENGLISH_STOP_WORDS.has(word)) continue;
      terms.push(stemmer(word));
    }
  }
  return terms;
}
