// The CPU-heavy, database-free half of writing a document: chunking and, per passage, the
// normalised-text hash (exact dedupe) and MinHash band keys (near dedupe). Pure, so it runs the
// same inline or in prepare-worker.ts threads while the import's thread does the SQLite writes.
import { chunkDocument, estimateTokens, type ChunkOptions, type PassageSpan, type TokenCounter } from './chunk.js';
import { bandKeys, LSH_BANDS, normaliseText, shingles, textHash } from './dedupe.js';
import type { SourceDocument } from './formats/types.js';
import { TextTokenizer } from '../models/tokenizer.js';

export interface PrepareSettings {
  maxTokens: number;
  overlapTokens: number;
  minChars: number;
  /** Model folder whose tokenizer counts tokens; undefined = estimateTokens. */
  tokenizerDir?: string;
  /** Compute MinHash band keys (near-duplicate detection on). */
  near: boolean;
}

export interface PreparedDocument {
  passages: PassageSpan[];
  droppedShort: number;
  /** textHash of each passage's normalised text. */
  hashes: string[];
  /** LSH_BANDS keys per passage, passage after passage; empty when near is off. */
  keys: Uint32Array;
}

/** The model tokenizer when a folder is given, else the documented estimate. */
export function tokenCounterFor(tokenizerDir: string | undefined): { count: TokenCounter; label: string } {
  if (!tokenizerDir) return { count: estimateTokens, label: 'estimate (no generation model set)' };
  const tokenizer = TextTokenizer.fromFolder(tokenizerDir);
  return { count: (text) => tokenizer.countTokens(text), label: `tokenizer of ${tokenizerDir}` };
}

export function prepareDocument(doc: SourceDocument, settings: PrepareSettings, countTokens: TokenCounter): PreparedDocument {
  const opts: ChunkOptions = { maxTokens: settings.maxTokens, overlapTokens: settings.overlapTokens, minChars: settings.minChars, countTokens };
  const { passages, droppedShort } = chunkDocument(doc.text, doc.sections, opts);
  const hashes: string[] = [];
  const keys = new Uint32Array(settings.near ? passages.length * LSH_BANDS : 0);
  passages.forEach((span, i) => {
    const normalised = normaliseText(doc.text.slice(span.start, span.end));
    hashes.push(textHash(normalised));
    if (settings.near) keys.set(bandKeys(shingles(normalised)), i * LSH_BANDS);
  });
  return { passages, droppedShort, hashes, keys };
}
