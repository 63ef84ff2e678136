// One source document → a documents row and its passages rows: chunking, exact/near dedupe
// (drop or mark duplicate_of), and the per-file counters the import report is built from.
import type Database from 'better-sqlite3';
import type { DuplicateExample, ImportParams } from '../../../shared/services/corpus.js';
import { chunkDocument, type TokenCounter } from './chunk.js';
import { Deduplicator, normaliseText, textHash } from './dedupe.js';
import type { SourceDocument } from './formats/types.js';

export const MAX_DUPLICATE_EXAMPLES = 10;

export interface FileCounters {
  documents: number;
  passages: number;
  exact: number;
  near: number;
  droppedShort: number;
  examples: DuplicateExample[];
}

export function emptyCounters(): FileCounters {
  return { documents: 0, passages: 0, exact: 0, near: 0, droppedShort: 0, examples: [] };
}

const snippet = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);

export class PassageWriter {
  private readonly insertDocument: Database.Statement;
  private readonly insertPassage: Database.Statement;
  private readonly passageText: Database.Statement<[number], { text: string }>;
  readonly dedupe: Deduplicator;

  constructor(
    db: Database.Database,
    private readonly params: ImportParams,
    private readonly countTokens: TokenCounter,
    private readonly jobId: number | null,
  ) {
    this.insertDocument = db.prepare(
      'INSERT INTO documents (external_id, title, text, source_path, source_hash, format, import_job_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertPassage = db.prepare(
      `INSERT INTO passages (document_id, ordinal, external_id, title, text, char_start, char_end, token_count, text_hash, duplicate_of)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.passageText = db.prepare('SELECT text FROM passages WHERE id = ?');
    this.dedupe = new Deduplicator(db, params.dedupe);
  }

  /** Writes the document and its passages (inside the caller's transaction). */
  write(doc: SourceDocument, source: { path: string; hash: string; format: string }, counters: FileCounters): void {
    const { chunking, dedupe } = this.params;
    const chunks = chunkDocument(doc.text, doc.sections, {
      maxTokens: chunking.maxTokens,
      overlapTokens: chunking.overlapTokens,
      minChars: chunking.minChars,
      countTokens: this.countTokens,
    });
    counters.droppedShort += chunks.droppedShort;
    const documentId = Number(
      this.insertDocument.run(doc.externalId ?? null, doc.title ?? null, doc.text, source.path, source.hash, source.format, this.jobId).lastInsertRowid,
    );
    counters.documents++;
    const single = chunks.passages.length === 1;
    let ordinal = 0;
    for (const span of chunks.passages) {
      const text = doc.text.slice(span.start, span.end);
      const normalised = normaliseText(text);
      const hash = textHash(normalised);
      const { match, keys } = this.dedupe.check(normalised, hash);
      if (match) {
        if (match.kind === 'exact') counters.exact++;
        else counters.near++;
        if (counters.examples.length < MAX_DUPLICATE_EXAMPLES) {
          counters.examples.push({
            kind: match.kind,
            similarity: Math.round(match.similarity * 1000) / 1000,
            file: source.path,
            text: snippet(text),
            duplicateOf: match.of,
            duplicateOfText: snippet(this.passageText.get(match.of)?.text ?? ''),
          });
        }
        if (dedupe.action === 'drop') continue;
      }
      const externalId = doc.externalId === undefined ? null : single ? doc.externalId : `${doc.externalId}#${ordinal}`;
      const id = Number(
        this.insertPassage.run(
          documentId, ordinal, externalId, span.title ?? doc.title ?? null, text,
          span.start, span.end, span.tokenCount, hash, match ? match.of : null,
        ).lastInsertRowid,
      );
      ordinal++;
      counters.passages++;
      if (!match) this.dedupe.remember(id, keys);
    }
  }
}
