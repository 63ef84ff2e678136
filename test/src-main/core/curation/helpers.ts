// A migrated project database in a temp folder with documents, passages and queries inserted
// directly (the way generation writes them: origin 'generated', status 'pending').
import type Database from 'better-sqlite3';
import { normaliseText, textHash } from '../../../../src-main/core/corpus/dedupe.js';
import { tempProjectDb, type TestDb } from '../../../helpers/project-db.js';

export type CurationDb = TestDb;
export const tempCurationDb = (): CurationDb => tempProjectDb('genq-curation-');

/** Inserts one document holding the passages, each with its queries; returns the passage ids. */
export function seed(db: Database.Database, passages: Array<{ text: string; queries: string[]; title?: string }>, documentTitle = 'doc'): number[] {
  const doc = Number(db.prepare("INSERT INTO documents (title, text) VALUES (?, '')").run(documentTitle).lastInsertRowid);
  const insertPassage = db.prepare('INSERT INTO passages (document_id, ordinal, title, text, text_hash) VALUES (?, ?, ?, ?, ?)');
  const insertQuery = db.prepare("INSERT INTO queries (passage_id, text, origin, seq) VALUES (?, ?, 'generated', ?)");
  return db.transaction(() =>
    passages.map((p, i) => {
      const id = Number(insertPassage.run(doc, i, p.title ?? null, p.text, textHash(normaliseText(p.text))).lastInsertRowid);
      p.queries.forEach((q, s) => insertQuery.run(id, q, s));
      return id;
    }),
  )();
}

export function statuses(db: Database.Database): Record<string, number> {
  const rows = db.prepare('SELECT status, COUNT(*) AS n FROM queries GROUP BY status').all() as Array<{ status: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
