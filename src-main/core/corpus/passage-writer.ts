// One source document → a documents row and its passages rows: chunking, exact/near dedupe
// (drop or mark duplicate_of), and the per-file counters the import report is built from.
import type Database from 'better-sqlite3';
import type { DuplicateExample, ImportParams } from '../../../shared/services/corpus.js';
import { Deduplicator, LSH_BANDS, normaliseText } from './dedupe.js';
import type { SourceDocument } from './formats/types.js';
import type { PreparedDocument } from './prepare.js';

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

/**
 * Characters of passage text indexed in FTS per INSERT … SELECT while a file is written (see
 * schema-v4-bulk-fts.ts): big enough that each batch becomes a few large FTS segments, small
 * enough that progress never stalls for long.
 */
export const FTS_BATCH_CHARS = 4 * 1024 * 1024;

export class PassageWriter {
  private readonly insertDocument: Database.Statement;
  private readonly insertPassage: Database.Statement;
  private readonly passageText: Database.Statement<[number], { text: string }>;
  private readonly setBulkFts: Database.Statement<[number]>;
  private readonly indexFtsFrom: Database.Statement<[number]>;
  /** First passage id not yet in FTS while a file is open (0 = none pending). */
  private ftsPendingFrom = 0;
  private ftsPendingChars = 0;
  readonly dedupe: Deduplicator;

  constructor(
    db: Database.Database,
    private readonly params: ImportParams,
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
    this.setBulkFts = db.prepare('UPDATE passages_fts_bulk SET active = ? WHERE id = 1');
    // Inside the file's write transaction every passage id at or above the first pending one is ours.
    this.indexFtsFrom = db.prepare('INSERT INTO passages_fts (rowid, text, title) SELECT id, text, title FROM passages WHERE id >= ?');
    this.dedupe = new Deduplicator(db, params.dedupe);
  }

  /**
   * Call right after the file's BEGIN: its passages go to FTS in batches rather than through the
   * per-row trigger. Must be paired with finishFile() before COMMIT (a ROLLBACK undoes both).
   */
  beginFile(): void {
    this.setBulkFts.run(1);
    this.ftsPendingFrom = 0;
    this.ftsPendingChars = 0;
  }

  /** Indexes the file's remaining passages in FTS and restores the trigger for other writers. */
  finishFile(): void {
    this.flushFts();
    this.setBulkFts.run(0);
  }

  private flushFts(): void {
    if (this.ftsPendingFrom) this.indexFtsFrom.run(this.ftsPendingFrom);
    this.ftsPendingFrom = 0;
    this.ftsPendingChars = 0;
  }

  /** Writes the document and its passages (inside the caller's transaction, between beginFile and finishFile). */
  write(doc: SourceDocument, chunks: PreparedDocument, source: { path: string; hash: string; format: string }, counters: FileCounters): void {
    const { dedupe } = this.params;
    counters.droppedShort += chunks.droppedShort;
    const documentId = Number(
      this.insertDocument.run(doc.externalId ?? null, doc.title ?? null, doc.text, source.path, source.hash, source.format, this.jobId).lastInsertRowid,
    );
    counters.documents++;
    const single = chunks.passages.length === 1;
    let ordinal = 0;
    for (let i = 0; i < chunks.passages.length; i++) {
      const span = chunks.passages[i];
      const text = doc.text.slice(span.start, span.end);
      const hash = chunks.hashes[i];
      const keys = chunks.keys.length ? chunks.keys.subarray(i * LSH_BANDS, (i + 1) * LSH_BANDS) : null;
      const match = this.dedupe.check(hash, keys, () => normaliseText(text));
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
      if (!match && keys) this.dedupe.remember(id, keys);
      if (!this.ftsPendingFrom) this.ftsPendingFrom = id;
      if ((this.ftsPendingChars += text.length) >= FTS_BATCH_CHARS) this.flushFts();
    }
  }
}
