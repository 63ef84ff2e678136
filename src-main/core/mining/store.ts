// Mining tables (schema v6): runs, mined queries with CE(q, pos), and candidate negatives with
// CE(q, neg), margin and the false-negative flag. Reads for the Mine page, drops, and the report.
import type Database from 'better-sqlite3';
import type { MarginStats, MinedNegative, MinedQuery, MiningParams, MiningReport, MiningRunInfo } from '../../../shared/services/mining.js';

export class MiningStoreError extends Error {
  override name = 'MiningStoreError';
}

export interface MiningRunConfig extends MiningParams {
  retrieverNames: string[];
  crossEncoder: string;
}

export interface MinedQueryRow {
  queryId: number;
  positiveId: number;
  cePositive: number;
  /** Size of the retrievers' union (after exclusions) the negatives were sampled from. */
  pool: number;
  negatives: Array<{ passageId: number; foundBy: number; ranks: Array<number | null>; ceScore: number }>;
}

export function createMiningRun(db: Database.Database, jobId: number | null, config: MiningRunConfig): number {
  return Number(db.prepare('INSERT INTO mining_runs (job_id, config) VALUES (?, ?)').run(jobId, JSON.stringify(config)).lastInsertRowid);
}

/** Stores mined queries and their negatives (margin = CE(q, pos) − CE(q, neg)); call inside the caller's transaction. */
export function insertMinedQueries(db: Database.Database, runId: number, rows: readonly MinedQueryRow[]): number {
  const query = db.prepare('INSERT INTO mining_queries (run_id, query_id, positive_id, ce_positive, pool) VALUES (?, ?, ?, ?, ?)');
  const candidate = db.prepare('INSERT INTO mining_candidates (run_id, query_id, passage_id, found_by, ranks, ce_score, margin) VALUES (?, ?, ?, ?, ?, ?, ?)');
  let negatives = 0;
  for (const r of rows) {
    query.run(runId, r.queryId, r.positiveId, r.cePositive, r.pool);
    for (const n of r.negatives) {
      candidate.run(runId, r.queryId, n.passageId, n.foundBy, JSON.stringify(n.ranks), n.ceScore, r.cePositive - n.ceScore);
      negatives++;
    }
  }
  return negatives;
}

export function finishMiningRun(db: Database.Database, runId: number, report: MiningReport): void {
  db.prepare("UPDATE mining_runs SET state = 'done', summary = ? WHERE id = ?").run(JSON.stringify(report), runId);
}

interface RunRow {
  id: number;
  job_id: number | null;
  state: 'running' | 'done';
  config: string;
  summary: string | null;
  created_at: string;
}
const runInfo = (r: RunRow): MiningRunInfo => ({
  id: r.id,
  jobId: r.job_id,
  state: r.state,
  config: JSON.parse(r.config) as MiningRunConfig,
  summary: r.summary ? (JSON.parse(r.summary) as MiningReport) : null,
  createdAt: r.created_at,
});

export function listMiningRuns(db: Database.Database): MiningRunInfo[] {
  return (db.prepare('SELECT * FROM mining_runs ORDER BY id DESC').all() as RunRow[]).map(runInfo);
}

/** The given run, else the newest finished one, else the newest; null when the project has none. */
export function miningRun(db: Database.Database, runId?: number): MiningRunInfo | null {
  if (runId !== undefined) {
    const row = db.prepare('SELECT * FROM mining_runs WHERE id = ?').get(runId) as RunRow | undefined;
    if (!row) throw new MiningStoreError(`no mining run ${runId} in this project`);
    return runInfo(row);
  }
  const row = db.prepare("SELECT * FROM mining_runs ORDER BY state = 'done' DESC, id DESC LIMIT 1").get() as RunRow | undefined;
  return row ? runInfo(row) : null;
}

function requireRun(db: Database.Database, runId?: number): MiningRunInfo {
  const run = miningRun(db, runId);
  if (!run) throw new MiningStoreError('the project has no mining run yet (genq mine, or the Mine page)');
  return run;
}

/** Mean, population standard deviation, min and max of the kept margins of a run. */
export function marginStats(db: Database.Database, runId: number): MarginStats | null {
  const r = db
    .prepare('SELECT COUNT(*) AS n, AVG(margin) AS mean, AVG(margin * margin) AS sq, MIN(margin) AS min, MAX(margin) AS max FROM mining_candidates WHERE run_id = ? AND dropped = 0')
    .get(runId) as { n: number; mean: number; sq: number; min: number; max: number };
  if (r.n === 0) return null;
  return { mean: r.mean, std: Math.sqrt(Math.max(0, r.sq - r.mean * r.mean)), min: r.min, max: r.max };
}

/** The report of a run from its rows now (`seconds` from the stored summary when there is one). */
export function miningReport(db: Database.Database, runId?: number, seconds?: number): MiningReport | null {
  const run = miningRun(db, runId);
  if (!run) return null;
  const counts = db
    .prepare('SELECT COUNT(DISTINCT query_id) AS queries, COUNT(*) AS triplets, COALESCE(SUM(dropped), 0) AS dropped FROM mining_candidates WHERE run_id = ?')
    .get(run.id) as { queries: number; triplets: number; dropped: number };
  const bm25 = run.config.retrievers.findIndex((r) => r.kind === 'bm25');
  const denseMask = run.config.retrievers.reduce((m, r, i) => (r.kind === 'model' ? m | (1 << i) : m), 0);
  let agreement: number | null = null;
  if (bm25 >= 0 && denseMask !== 0 && counts.triplets > 0) {
    const both = db.prepare('SELECT COUNT(*) AS n FROM mining_candidates WHERE run_id = ? AND (found_by & ?) != 0 AND (found_by & ?) != 0').get(run.id, 1 << bm25, denseMask) as { n: number };
    agreement = both.n / counts.triplets;
  }
  return {
    runId: run.id,
    ...counts,
    margins: marginStats(db, run.id),
    bm25DenseAgreement: agreement,
    retrievers: run.config.retrieverNames,
    crossEncoder: run.config.crossEncoder,
    seconds: seconds ?? run.summary?.seconds ?? 0,
  };
}

export function minedQueries(db: Database.Database, opts: { runId?: number; offset: number; limit: number; search?: string }): { total: number; rows: MinedQuery[] } {
  const run = requireRun(db, opts.runId);
  const filter = opts.search?.trim() ? 'AND q.text LIKE ?' : '';
  const args: unknown[] = [run.id, ...(filter ? [`%${opts.search!.trim()}%`] : [])];
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM mining_queries m JOIN queries q ON q.id = m.query_id WHERE m.run_id = ? ${filter}`).get(...args) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT m.query_id AS queryId, q.text AS query, m.positive_id AS positiveId, p.text AS positive, m.ce_positive AS cePositive,
              COUNT(c.passage_id) AS negatives, COALESCE(SUM(c.dropped), 0) AS dropped,
              MIN(CASE WHEN c.dropped = 0 THEN c.margin END) AS minMargin
         FROM mining_queries m JOIN queries q ON q.id = m.query_id JOIN passages p ON p.id = m.positive_id
         LEFT JOIN mining_candidates c ON c.run_id = m.run_id AND c.query_id = m.query_id
        WHERE m.run_id = ? ${filter}
        GROUP BY m.query_id ORDER BY minMargin IS NULL, minMargin, m.query_id LIMIT ? OFFSET ?`,
    )
    .all(...args, opts.limit, opts.offset) as MinedQuery[];
  return { total, rows };
}

export function minedNegatives(db: Database.Database, queryId: number, runId?: number): MinedNegative[] {
  const run = requireRun(db, runId);
  const rows = db
    .prepare(
      `SELECT c.passage_id AS passageId, p.text, c.ce_score AS ceScore, c.margin, c.ranks, c.dropped, c.dropped_reason AS droppedReason
         FROM mining_candidates c JOIN passages p ON p.id = c.passage_id WHERE c.run_id = ? AND c.query_id = ? ORDER BY c.margin, c.passage_id`,
    )
    .all(run.id, queryId) as Array<Omit<MinedNegative, 'ranks' | 'dropped'> & { ranks: string; dropped: number }>;
  return rows.map((r) => ({ ...r, ranks: JSON.parse(r.ranks) as Array<number | null>, dropped: r.dropped === 1 }));
}

export function setDropped(db: Database.Database, opts: { runId?: number; queryId: number; passageId: number; dropped: boolean }): number {
  const run = requireRun(db, opts.runId);
  return db
    .prepare('UPDATE mining_candidates SET dropped = ?, dropped_reason = ? WHERE run_id = ? AND query_id = ? AND passage_id = ? AND dropped != ?')
    .run(opts.dropped ? 1 : 0, opts.dropped ? 'manual' : null, run.id, opts.queryId, opts.passageId, opts.dropped ? 1 : 0).changes;
}

/** Drops (or with preview only counts) the kept negatives whose margin is below `threshold`. */
export function dropBelow(db: Database.Database, opts: { runId?: number; threshold: number; preview: boolean }): number {
  const run = requireRun(db, opts.runId);
  if (opts.preview) {
    return (db.prepare('SELECT COUNT(*) AS n FROM mining_candidates WHERE run_id = ? AND dropped = 0 AND margin < ?').get(run.id, opts.threshold) as { n: number }).n;
  }
  return db
    .prepare('UPDATE mining_candidates SET dropped = 1, dropped_reason = ? WHERE run_id = ? AND dropped = 0 AND margin < ?')
    .run(`margin < ${opts.threshold}`, run.id, opts.threshold).changes;
}
