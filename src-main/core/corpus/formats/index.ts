// Format by file name (under any .gz) and the reader for each format.
import { basename } from 'node:path';
import type { CorpusFormat } from '../../../../shared/services/corpus.js';
import { csvReader } from './csv.js';
import { readDocx } from './docx.js';
import { readHtml } from './html.js';
import { readJson } from './json.js';
import { readJsonl } from './jsonl.js';
import { readMarkdown } from './markdown.js';
import { readPdf } from './pdf.js';
import { readText } from './text.js';
import type { FormatReader } from './types.js';

const BY_EXTENSION: Record<string, CorpusFormat> = {
  txt: 'txt', text: 'txt',
  md: 'md', markdown: 'md',
  jsonl: 'jsonl', ndjson: 'jsonl',
  json: 'json',
  csv: 'csv',
  tsv: 'tsv', tab: 'tsv',
  html: 'html', htm: 'html', xhtml: 'html',
  pdf: 'pdf',
  docx: 'docx',
};

/** 'corpus.jsonl.gz' → 'jsonl'; null when the extension is not a supported format. */
export function formatForPath(path: string): CorpusFormat | null {
  const name = basename(path).toLowerCase().replace(/\.gz$/, '');
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (BY_EXTENSION[name.slice(dot + 1)] ?? null) : null;
}

export const FORMAT_READERS: Record<CorpusFormat, FormatReader> = {
  txt: readText,
  md: readMarkdown,
  jsonl: readJsonl,
  json: readJson,
  csv: csvReader(','),
  tsv: csvReader('\t'),
  html: readHtml,
  pdf: readPdf,
  docx: readDocx,
};

/** Formats that are binary containers: the text sniffing of decode.ts does not apply. */
export const BINARY_FORMATS: ReadonlySet<CorpusFormat> = new Set(['pdf', 'docx']);
