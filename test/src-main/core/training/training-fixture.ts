// A project for the training job/service tests: the tiny-bert fixture registered as an encoder
// and passages with accepted queries written straight into the database (train and eval splits).
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { FIXTURES } from '../models/fixtures.js';

export const TINY_BERT = join(FIXTURES, 'tiny-bert');

const WORDS = 'whale ship captain sea voyage harpoon crew ocean storm island deck sail night morning letter house river city king congress nation budget tax school'.split(' ');

export function addTinyBert(db: Database.Database): number {
  return Number(db.prepare("INSERT INTO models (name, role, path, source) VALUES ('tiny-bert', 'encoder', ?, 'local folder')").run(TINY_BERT).lastInsertRowid);
}

/**
 * `train` + `evalPassages` passages (one document), each with `queriesPer` accepted queries made
 * of a few of its words; one extra rejected query per eval passage that the dev set must skip.
 */
export function seedPairs(db: Database.Database, opts: { train: number; evalPassages: number; queriesPer?: number }): void {
  const queriesPer = opts.queriesPer ?? 2;
  const doc = Number(db.prepare("INSERT INTO documents (title, text) VALUES ('doc', 'doc')").run().lastInsertRowid);
  const passage = db.prepare('INSERT INTO passages (document_id, ordinal, text, split) VALUES (?, ?, ?, ?)');
  const query = db.prepare("INSERT INTO queries (passage_id, text, origin, status) VALUES (?, ?, 'generated', ?)");
  db.transaction(() => {
    for (let i = 0; i < opts.train + opts.evalPassages; i++) {
      const words = Array.from({ length: 12 + (i % 7) }, (_, k) => WORDS[(i * 5 + k * 3) % WORDS.length]);
      const split = i < opts.train ? 'train' : 'eval';
      const id = Number(passage.run(doc, i, `${words.join(' ')} number ${i}.`, split).lastInsertRowid);
      for (let q = 0; q < queriesPer; q++) query.run(id, `${words[q]} ${words[q + 4]} ${i}?`, 'accepted');
      if (split === 'eval') query.run(id, `rejected ${i}`, 'rejected');
    }
  })();
}
