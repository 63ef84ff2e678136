// The mined triplets out of the project as JSONL {"query", "positive", "negative", "margin"}: every
// kept negative of the newest finished mining run (one line per (query, negative), as
// sentence-transformers' mine_hard_negatives writes its "triplet" format), queries rejected since
// mining and dropped false negatives left out. What `genq train --loss margin-mse --triplets FILE`
// reads. Rows stream from SQLite and are written in blocks.
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { miningRun, MiningStoreError } from './store.js';

export class TripletExportError extends Error {
  override name = 'TripletExportError';
}

export function exportTriplets(
  db: Database.Database,
  out: string,
  opts: { overwrite?: boolean; baseDir?: string; runId?: number } = {},
): { path: string; runId: number; triplets: number; files: string[] } {
  const run = miningRun(db, opts.runId);
  if (!run || run.state !== 'done') throw new MiningStoreError('the project has no finished mining run to export; run genq mine first');
  const path = opts.baseDir ? resolve(opts.baseDir, out) : resolve(out);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new TripletExportError(`${path} is a folder; give a file path for a triplets export`);
    if (!opts.overwrite) throw new TripletExportError(`${path} already exists; choose another path or pass overwrite to replace it`);
  }
  mkdirSync(dirname(path), { recursive: true });
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new TripletExportError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const rows = db
    .prepare(
      `SELECT q.text AS query, pos.text AS positive, neg.text AS negative, c.margin
         FROM mining_candidates c
         JOIN mining_queries m ON m.run_id = c.run_id AND m.query_id = c.query_id
         JOIN queries q ON q.id = c.query_id
         JOIN passages pos ON pos.id = m.positive_id
         JOIN passages neg ON neg.id = c.passage_id
        WHERE c.run_id = ? AND c.dropped = 0 AND q.status != 'rejected'
        ORDER BY c.query_id, c.passage_id`,
    )
    .iterate(run.id) as Iterable<{ query: string; positive: string; negative: string; margin: number }>;
  let triplets = 0;
  let block: string[] = [];
  try {
    for (const r of rows) {
      block.push(JSON.stringify({ query: r.query, positive: r.positive, negative: r.negative, margin: r.margin }));
      triplets++;
      if (block.length >= 2000) {
        writeSync(fd, `${block.join('\n')}\n`);
        block = [];
      }
    }
    if (block.length) writeSync(fd, `${block.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  return { path, runId: run.id, triplets, files: [path] };
}
