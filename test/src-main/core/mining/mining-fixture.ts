// A project for the mining tests: passages over two documents (a tenth on the eval split, one
// marked duplicate), queries of every status, a passage whose normalised text equals passage 0's
// (a copy of a positive that must never be its negative), and the tiny encoder and cross-encoder.
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Services } from '../../../../src-main/core/services.js';
import { FIXTURES } from '../models/fixtures.js';

export const TINY_BERT = join(FIXTURES, 'tiny-bert');
export const TINY_CROSS_ENCODER = join(FIXTURES, 'tiny-cross-encoder');

const WORDS = 'the whale ship captain sea voyage harpoon crew ocean storm island deck sail night morning letter house river city king'.split(' ');

export interface MiningFixture {
  passages: number[];
  /** Normalised-text copy of passages[0] (train split, not marked duplicate). */
  copyOfFirst: number;
  /** A passage on the eval split. */
  evalPassage: number;
  queries: number[];
  rejected: number;
  encoderId: number;
  crossEncoderId: number;
}

export async function buildMiningProject(s: Services, db: Database.Database, opts: { passages: number; queriesPerPassage: number }): Promise<MiningFixture> {
  const doc = db.prepare('INSERT INTO documents (title, text) VALUES (?, ?)');
  const docs = [Number(doc.run('a', 'doc a').lastInsertRowid), Number(doc.run('b', 'doc b').lastInsertRowid)];
  const insert = db.prepare('INSERT INTO passages (document_id, ordinal, text, split, duplicate_of) VALUES (?, ?, ?, ?, ?)');
  const passages: number[] = [];
  for (let i = 0; i < opts.passages; i++) {
    const len = 6 + ((i * 7) % 17);
    const text = Array.from({ length: len }, (_, k) => WORDS[(i * 3 + k * 5) % WORDS.length]).join(' ') + ` number ${i}.`;
    const split = i % 10 === 9 ? 'eval' : 'train';
    passages.push(Number(insert.run(docs[i % 2], i, text, split, null).lastInsertRowid));
  }
  const first = db.prepare('SELECT text FROM passages WHERE id = ?').get(passages[0]) as { text: string };
  // Same words, other case and punctuation: normaliseText() makes them equal.
  const copyOfFirst = Number(insert.run(docs[1], opts.passages, `  ${first.text.toUpperCase().replace(/ /g, ', ')}!!`, 'train', null).lastInsertRowid);
  // A marked duplicate of passage 1: never a negative.
  insert.run(docs[0], opts.passages + 1, (db.prepare('SELECT text FROM passages WHERE id = ?').get(passages[1]) as { text: string }).text, 'train', passages[1]);
  const q = db.prepare("INSERT INTO queries (passage_id, text, origin, status) VALUES (?, ?, 'generated', ?)");
  const queries: number[] = [];
  let rejected = 0;
  passages.forEach((pid, i) => {
    for (let j = 0; j < opts.queriesPerPassage; j++) {
      const text = `${WORDS[(i + j * 4) % WORDS.length]} ${WORDS[(i * 2 + j + 3) % WORDS.length]} number ${i}`;
      const status = (i + j) % 7 === 3 ? 'rejected' : (i + j) % 3 === 0 ? 'accepted' : 'pending';
      const id = Number(q.run(pid, text, status).lastInsertRowid);
      if (status === 'rejected') rejected = id;
      queries.push(id);
    }
  });
  const encoder = await s.impl.models.add({ dir: TINY_BERT, role: 'encoder' });
  const ce = await s.impl.models.add({ dir: TINY_CROSS_ENCODER, role: 'cross-encoder' });
  return { passages, copyOfFirst, evalPassage: passages[9], queries, rejected, encoderId: encoder.id, crossEncoderId: ce.id };
}

/** A mining run's stored candidates (negatives), as the mining and distributed-mining tests compare them. */
export interface CandidateRow {
  query_id: number;
  passage_id: number;
  found_by: number;
  ranks: string;
  ce_score: number;
  margin: number;
}
export const candidatesOf = (db: Database.Database, runId: number) =>
  db.prepare('SELECT query_id, passage_id, found_by, ranks, ce_score, margin FROM mining_candidates WHERE run_id = ? ORDER BY query_id, passage_id').all(runId) as CandidateRow[];
