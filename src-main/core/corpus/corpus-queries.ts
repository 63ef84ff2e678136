// Read side of the corpus page: paged passages with full-text search and filters, documents with
// their passage offsets, and stats. Plain functions over a connection (the service wires them).
import type Database from 'better-sqlite3';
import type { CorpusStats, DocumentDetail, DocumentRow, PassageRow } from '../../../shared/services/corpus.js';

export class DocumentNotFoundError extends Error {
  override name = 'DocumentNotFoundError';
}

/** User text → an FTS5 query: words ANDed, each quoted (no syntax errors), the last one a prefix. */
export function ftsQuery(search: string): string | null {
  const words = search.match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

export interface PassageFilter {
  offset: number;
  limit: number;
  search?: string;
  documentId?: number;
  minTokens?: number;
  maxTokens?: number;
  duplicates: 'all' | 'hide' | 'only';
}

export function listPassages(db: Database.Database, f: PassageFilter): { total: number; rows: PassageRow[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const fts = f.search ? ftsQuery(f.search) : null;
  if (fts) {
    where.push('p.id IN (SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?)');
    args.push(fts);
  }
  if (f.documentId !== undefined) where.push('p.document_id = ?'), args.push(f.documentId);
  if (f.minTokens !== undefined) where.push('p.token_count >= ?'), args.push(f.minTokens);
  if (f.maxTokens !== undefined) where.push('p.token_count <= ?'), args.push(f.maxTokens);
  if (f.duplicates === 'hide') where.push('p.duplicate_of IS NULL');
  if (f.duplicates === 'only') where.push('p.duplicate_of IS NOT NULL');
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (db.prepare(`SELECT count(*) AS n FROM passages p ${clause}`).get(...args) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT p.id, p.document_id AS documentId, p.ordinal, p.title, p.text, p.char_start AS charStart, p.char_end AS charEnd,
              p.token_count AS tokenCount, p.duplicate_of AS duplicateOf, p.split, d.source_path AS sourcePath
       FROM passages p JOIN documents d ON d.id = p.document_id ${clause}
       ORDER BY p.id LIMIT ? OFFSET ?`,
    )
    .all(...args, f.limit, f.offset) as PassageRow[];
  return { total, rows };
}

const DOCUMENT_COLUMNS = `d.id, d.external_id AS externalId, d.title, d.source_path AS sourcePath, d.format, length(d.text) AS chars,
  (SELECT count(*) FROM passages p WHERE p.document_id = d.id) AS passageCount`;

export function listDocuments(db: Database.Database, f: { offset: number; limit: number; search?: string }): { total: number; rows: DocumentRow[] } {
  const clause = f.search ? `WHERE d.title LIKE ? ESCAPE '\\' OR d.source_path LIKE ? ESCAPE '\\' OR d.external_id = ?` : '';
  const like = f.search ? `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : '';
  const args = f.search ? [like, like, f.search] : [];
  const total = (db.prepare(`SELECT count(*) AS n FROM documents d ${clause}`).get(...args) as { n: number }).n;
  const rows = db.prepare(`SELECT ${DOCUMENT_COLUMNS} FROM documents d ${clause} ORDER BY d.id LIMIT ? OFFSET ?`).all(...args, f.limit, f.offset) as DocumentRow[];
  return { total, rows };
}

export function getDocument(db: Database.Database, id: number): DocumentDetail {
  const doc = db.prepare(`SELECT ${DOCUMENT_COLUMNS}, d.text FROM documents d WHERE d.id = ?`).get(id) as (DocumentRow & { text: string }) | undefined;
  if (!doc) throw new DocumentNotFoundError(`Document ${id} does not exist (it may have been deleted)`);
  const passages = db
    .prepare(
      `SELECT id, ordinal, title, char_start AS charStart, char_end AS charEnd, token_count AS tokenCount, duplicate_of AS duplicateOf
       FROM passages WHERE document_id = ? ORDER BY ordinal`,
    )
    .all(id) as DocumentDetail['passages'];
  return { ...doc, passages };
}

export function corpusStats(db: Database.Database, bucketSize: number): CorpusStats {
  const one = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as T;
  const documents = one<{ n: number }>('SELECT count(*) AS n FROM documents').n;
  const totals = one<{ n: number; originals: number; total: number | null; mean: number | null; max: number | null }>(
    `SELECT count(*) AS n, sum(duplicate_of IS NULL) AS originals, sum(token_count) AS total, avg(token_count) AS mean, max(token_count) AS max FROM passages`,
  );
  const exact = one<{ n: number }>(
    'SELECT count(*) AS n FROM passages p JOIN passages o ON o.id = p.duplicate_of WHERE p.text_hash = o.text_hash',
  ).n;
  const duplicates = totals.n - (totals.originals ?? 0);
  const histogram = (
    db.prepare('SELECT CAST(token_count / ? AS INTEGER) AS b, count(*) AS n FROM passages WHERE token_count IS NOT NULL GROUP BY b ORDER BY b').all(bucketSize) as Array<{ b: number; n: number }>
  ).map((r) => ({ from: r.b * bucketSize, to: (r.b + 1) * bucketSize, count: r.n }));
  const sources = db
    .prepare(
      `SELECT d.source_path AS sourcePath, d.format, count(DISTINCT d.id) AS documents, count(p.id) AS passages
       FROM documents d LEFT JOIN passages p ON p.document_id = d.id GROUP BY d.source_path, d.format ORDER BY min(d.id) LIMIT 1000`,
    )
    .all() as CorpusStats['sources'];
  return {
    documents,
    passages: totals.n,
    originals: totals.originals ?? 0,
    duplicates: { exact, near: duplicates - exact },
    tokens: { total: totals.total ?? 0, mean: totals.mean ?? 0, max: totals.max ?? 0 },
    histogram,
    sources,
  };
}

/** Deletes a source's documents (passages and their queries cascade). */
export function deleteSource(db: Database.Database, sourcePath: string): { documents: number; passages: number } {
  return db.transaction(() => {
    const passages = (
      db.prepare('SELECT count(*) AS n FROM passages WHERE document_id IN (SELECT id FROM documents WHERE source_path = ?)').get(sourcePath) as { n: number }
    ).n;
    const documents = db.prepare('DELETE FROM documents WHERE source_path = ?').run(sourcePath).changes;
    return { documents, passages };
  })();
}
