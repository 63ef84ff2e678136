// The MarginMSE training data of one epoch: for every mined query (not rejected since), one of its
// kept hard negatives with the precomputed margin CE(q, pos) − CE(q, neg) as the label. A query's
// kept negatives are walked in a seeded random order, one per epoch, reshuffled after each full
// cycle: consecutive epochs get fresh negatives while there are any, and the same (seed, epoch)
// gives the same triplets. Dropped (false) negatives are skipped. Texts are the passages' texts as
// training/project-pairs.ts pairs them (no title), so GenQ and GPL train on the same strings.
import type Database from 'better-sqlite3';
import { shuffled } from './draws.js';
import { MiningStoreError } from './store.js';

export interface MarginTriplet {
  query: string;
  positive: string;
  negative: string;
  margin: number;
}

export interface ProjectTripletsOptions {
  seed: number;
  epoch: number;
  /** A mining run id; default the newest finished run. */
  runId?: number;
}

function finishedRun(db: Database.Database, runId?: number): number {
  const row = (
    runId === undefined
      ? db.prepare("SELECT id, state FROM mining_runs WHERE state = 'done' ORDER BY id DESC LIMIT 1").get()
      : db.prepare('SELECT id, state FROM mining_runs WHERE id = ?').get(runId)
  ) as { id: number; state: string } | undefined;
  if (!row) {
    throw new MiningStoreError(runId === undefined ? 'the project has no finished mining run; mine hard negatives first (genq mine or the Mine page)' : `no mining run ${runId} in this project`);
  }
  if (row.state !== 'done') throw new MiningStoreError(`mining run ${row.id} has not finished; resume its job first`);
  return row.id;
}

/** One triplet per mined query with a kept negative, in query id order. */
export function projectTriplets(db: Database.Database, opts: ProjectTripletsOptions): MarginTriplet[] {
  if (!Number.isInteger(opts.epoch) || opts.epoch < 0) throw new MiningStoreError(`epoch must be a non-negative integer (got ${opts.epoch})`);
  const runId = finishedRun(db, opts.runId);
  const rows = db
    .prepare(
      `SELECT m.query_id AS queryId, q.text AS query, pos.text AS positive, c.passage_id AS negativeId, neg.text AS negative, c.margin
         FROM mining_queries m
         JOIN queries q ON q.id = m.query_id
         JOIN passages pos ON pos.id = m.positive_id
         JOIN mining_candidates c ON c.run_id = m.run_id AND c.query_id = m.query_id
         JOIN passages neg ON neg.id = c.passage_id
        WHERE m.run_id = ? AND q.status != 'rejected' AND c.dropped = 0
        ORDER BY m.query_id, c.passage_id`,
    )
    .iterate(runId) as Iterable<{ queryId: number; query: string; positive: string; negativeId: number; negative: string; margin: number }>;
  const out: MarginTriplet[] = [];
  let group: Array<{ negative: string; margin: number }> = [];
  let current = null as { queryId: number; query: string; positive: string } | null;
  const flush = () => {
    if (!current || group.length === 0) return;
    const n = group.length;
    const cycle = Math.floor(opts.epoch / n);
    const pick = shuffled(group, opts.seed, current.queryId, cycle)[opts.epoch % n];
    out.push({ query: current.query, positive: current.positive, negative: pick.negative, margin: pick.margin });
  };
  for (const r of rows) {
    if (r.queryId !== current?.queryId) {
      flush();
      current = { queryId: r.queryId, query: r.query, positive: r.positive };
      group = [];
    }
    group.push({ negative: r.negative, margin: r.margin });
  }
  flush();
  return out;
}

/** How many triplets an epoch has (mined, not rejected queries with a kept negative). */
export function countProjectTriplets(db: Database.Database, runId?: number): number {
  const id = finishedRun(db, runId);
  return (
    db
      .prepare(
        `SELECT COUNT(DISTINCT c.query_id) AS n FROM mining_candidates c JOIN queries q ON q.id = c.query_id
          WHERE c.run_id = ? AND c.dropped = 0 AND q.status != 'rejected'`,
      )
      .get(id) as { n: number }
  ).n;
}
