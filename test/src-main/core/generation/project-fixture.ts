// A project for the generation tests: the tiny-t5 fixture added as generator and N passages
// written straight into the database (two documents, varied lengths, one marked duplicate).
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { FIXTURES } from '../models/fixtures.js';

export const TINY_T5 = join(FIXTURES, 'tiny-t5');

const WORDS = 'the whale ship captain sea voyage harpoon crew ocean storm island deck sail night morning letter house river city king'.split(' ');

/** Inserts `n` passages over two documents; returns their ids (the last one is a duplicate of the first). */
export function insertPassages(db: Database.Database, n: number): number[] {
  const doc = db.prepare('INSERT INTO documents (title, text) VALUES (?, ?)');
  const docs = [Number(doc.run('a', 'doc a').lastInsertRowid), Number(doc.run('b', 'doc b').lastInsertRowid)];
  const insert = db.prepare('INSERT INTO passages (document_id, ordinal, text, token_count, split, duplicate_of) VALUES (?, ?, ?, ?, ?, ?)');
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const len = 5 + ((i * 7) % 23);
    const text = Array.from({ length: len }, (_, k) => WORDS[(i * 3 + k * 5) % WORDS.length]).join(' ') + ` number ${i}.`;
    const duplicateOf = i === n - 1 ? ids[0] : null;
    ids.push(Number(insert.run(docs[i % 2], i, text, len + 3, i % 5 === 0 ? 'eval' : 'train', duplicateOf).lastInsertRowid));
  }
  return ids;
}
