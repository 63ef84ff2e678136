// The project's own evaluation set: synthetic (or manual) queries whose passage is in the
// held-out split ('eval'), each judged relevant (1) to exactly that passage. Rejected queries
// are left out; accepted and not-yet-curated ones are used.
import type Database from 'better-sqlite3';
import type { Qrels } from './metrics.js';
import type { EvalQuery } from './evaluate.js';

export interface HeldOutSet {
  queries: EvalQuery[];
  qrels: Qrels;
}

export function heldOutEvalSet(db: Database.Database): HeldOutSet {
  const rows = db
    .prepare(
      `SELECT q.id AS query_id, q.text AS text, q.passage_id AS passage_id
         FROM queries q JOIN passages p ON p.id = q.passage_id
        WHERE p.split = 'eval' AND q.status != 'rejected'
        ORDER BY q.id`,
    )
    .all() as Array<{ query_id: number; text: string; passage_id: number }>;
  const qrels: Qrels = Object.create(null) as Qrels;
  const queries = rows.map((row) => {
    const id = `q${row.query_id}`;
    qrels[id] = { [String(row.passage_id)]: 1 };
    return { id, text: row.text };
  });
  return { queries, qrels };
}
