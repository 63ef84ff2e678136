// What every format reader produces: documents (text + optional title/id/sections) and, for
// record formats, per-record errors the import either skips or aborts on.
import type { Section } from '../chunk.js';
import type { ByteCounter, DecodeLimits, TextEncodingName } from '../decode.js';

export interface SourceDocument {
  text: string;
  title?: string;
  externalId?: string;
  /** Parts chunked separately, e.g. markdown sections under their heading, PDF pages. */
  sections?: Section[];
  /** Where the record starts in the file (JSONL line, CSV line), for messages. */
  line?: number;
}

export interface RecordError {
  line?: number;
  message: string;
}

export type FormatItem = { doc: SourceDocument; error?: undefined } | { error: RecordError; doc?: undefined };

export interface FieldChoice {
  text?: string;
  id?: string;
  title?: string;
}

export interface FormatInput {
  path: string;
  gzip: boolean;
  limits: DecodeLimits;
  counter: ByteCounter;
  encoding: TextEncodingName | 'auto';
  fields: FieldChoice;
  /** Told which encoding was detected/used, for the report. */
  onEncoding(encoding: string): void;
}

export type FormatReader = (input: FormatInput) => AsyncGenerator<FormatItem>;
