// What a project trains and evaluates on. Curation is pruning: every query nobody rejected
// (pending and accepted) is used unless the caller restricts to accepted ones ('accepted').
// Training: those queries on training-split passages (duplicate passages left out), each paired
// with its passage. Dev set: held-out ('eval' split) passages as the corpus, and their
// non-rejected queries as questions, each relevant to exactly its own passage.
import type Database from 'better-sqlite3';
import type { Qrels } from '../eval/metrics.js';
import type { Pair } from './batches.js';

/** Which query statuses go in: everything not rejected (the default), or accepted ones only. */
export type PairStatuses = 'not-rejected' | 'accepted';

export const statusClause = (statuses: PairStatuses): string => (statuses === 'accepted' ? "q.status = 'accepted'" : "q.status != 'rejected'");

export function trainingPairs(db: Database.Database, statuses: PairStatuses = 'not-rejected'): Pair[] {
  return db
    .prepare(
      `SELECT q.text AS query, p.text AS passage FROM queries q JOIN passages p ON p.id = q.passage_id
        WHERE ${statusClause(statuses)} AND p.split = 'train' AND p.duplicate_of IS NULL ORDER BY q.id`,
    )
    .all() as Pair[];
}

export function countTrainingPairs(db: Database.Database, statuses: PairStatuses = 'not-rejected'): number {
  const n = countTrainingPairsByStatus(db, statuses);
  return n.accepted + n.pending;
}

/** How many of the training pairs are accepted and how many pending (what reports say went in). */
export function countTrainingPairsByStatus(db: Database.Database, statuses: PairStatuses = 'not-rejected'): { accepted: number; pending: number } {
  const rows = db
    .prepare(
      `SELECT q.status AS status, COUNT(*) AS n FROM queries q JOIN passages p ON p.id = q.passage_id
        WHERE ${statusClause(statuses)} AND p.split = 'train' AND p.duplicate_of IS NULL GROUP BY q.status`,
    )
    .all() as Array<{ status: string; n: number }>;
  const count = (status: string) => rows.find((r) => r.status === status)?.n ?? 0;
  return { accepted: count('accepted'), pending: count('pending') };
}

export interface DevSet {
  queries: Array<{ id: string; text: string }>;
  qrels: Qrels;
  /** The held-out passages searched (ids as strings, as qrels name them). */
  corpus: Array<{ id: string; text: string }>;
}

/** The dev set's questions: every held-out query nobody rejected, as in the Evaluate page's held-out set. */
const devStatuses = (_db: Database.Database): string => statusClause('not-rejected');

/**
 * The dev set, with at most `maxQueries` queries: beyond that an evenly spaced sample by id, so
 * the same project gives the same set on every epoch and after a resume.
 */
export function devSet(db: Database.Database, maxQueries: number): DevSet {
  const rows = db
    .prepare(
      `SELECT q.id AS queryId, q.text AS text, q.passage_id AS passageId FROM queries q JOIN passages p ON p.id = q.passage_id
        WHERE p.split = 'eval' AND ${devStatuses(db)} ORDER BY q.id`,
    )
    .all() as Array<{ queryId: number; text: string; passageId: number }>;
  const stride = rows.length / Math.min(rows.length, maxQueries);
  const picked = rows.length <= maxQueries ? rows : Array.from({ length: maxQueries }, (_, i) => rows[Math.floor(i * stride)]);
  const qrels: Qrels = Object.create(null) as Qrels;
  const queries = picked.map((r) => {
    qrels[`q${r.queryId}`] = { [String(r.passageId)]: 1 };
    return { id: `q${r.queryId}`, text: r.text };
  });
  const corpus = (
    db.prepare(`SELECT id, text FROM passages WHERE split = 'eval' AND (duplicate_of IS NULL OR id IN (SELECT passage_id FROM queries)) ORDER BY id`).all() as Array<{
      id: number;
      text: string;
    }>
  ).map((p) => ({ id: String(p.id), text: p.text }));
  return { queries, qrels, corpus };
}

export function countDevSet(db: Database.Database, maxQueries: number): { evalQueries: number; evalPassages: number } {
  const queries = (
    db.prepare(`SELECT COUNT(*) AS n FROM queries q JOIN passages p ON p.id = q.passage_id WHERE p.split = 'eval' AND ${devStatuses(db)}`).get() as { n: number }
  ).n;
  const passages = (
    db.prepare(`SELECT COUNT(*) AS n FROM passages WHERE split = 'eval' AND (duplicate_of IS NULL OR id IN (SELECT passage_id FROM queries))`).get() as { n: number }
  ).n;
  return { evalQueries: Math.min(queries, maxQueries), evalPassages: queries > 0 ? passages : 0 };
}
