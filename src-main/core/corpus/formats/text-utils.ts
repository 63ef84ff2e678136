// Small text helpers shared by the readers.
import { basename } from 'node:path';

/** One line-ending convention in stored text, so offsets mean the same everywhere. */
export function normaliseNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** "notes/chapter_001.txt.gz" → "chapter_001". */
export function titleFromPath(path: string): string {
  return basename(path).replace(/\.gz$/i, '').replace(/\.[^.]+$/, '');
}

/** Collapses runs of whitespace to single spaces (HTML-like text flow). */
export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ');
}
