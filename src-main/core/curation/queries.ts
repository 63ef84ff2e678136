// Read side of the Curate page: paged queries with their signals, live counts, histograms of a
// signal and accepted/rejected per document. Plain functions over a connection.
import type Database from 'better-sqlite3';
import { SIGNAL_NAMES, type CurationCounts, type CurationQueryRow, type HistogramBin, type QueryFilter, type SignalName } from '../../../shared/services/curation.js';
import { filterWhere, SIGNAL_COLUMNS } from './filter.js';

const SIGNAL_SELECT = SIGNAL_NAMES.map((s) => `q.${SIGNAL_COLUMNS[s]} AS "${s}"`).join(', ');

export function listQueries(db: Database.Database, filter: QueryFilter, offset: number, limit: number): { total: number; rows: CurationQueryRow[] } {
  const where = filterWhere(filter);
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM queries q WHERE ${where.sql}`).get(...where.args) as { n: number }).n;
  // Ordered by (passage_id, id) so a passage's queries stay together; the queries_passage index serves it.
  const rows = db
    .prepare(
      `SELECT q.id, q.passage_id, p.document_id, q.text, p.text AS passage_text, q.origin, q.status, q.status_reason, p.split, q.near_dup_of, ${SIGNAL_SELECT}
       FROM queries q JOIN passages p ON p.id = q.passage_id WHERE ${where.sql} ORDER BY q.passage_id, q.id LIMIT ? OFFSET ?`,
    )
    .all(...where.args, limit, offset) as Array<Record<string, unknown>>;
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id as number,
      passageId: r.passage_id as number,
      documentId: r.document_id as number,
      text: r.text as string,
      passageText: r.passage_text as string,
      origin: r.origin as CurationQueryRow['origin'],
      status: r.status as CurationQueryRow['status'],
      statusReason: r.status_reason as string | null,
      split: r.split as CurationQueryRow['split'],
      signals: Object.fromEntries(SIGNAL_NAMES.map((s) => [s, r[s] as number | null])),
      nearDupOf: r.near_dup_of as number | null,
    })),
  };
}

export function countQueries(db: Database.Database, filter: QueryFilter): CurationCounts {
  const where = filterWhere(filter);
  const rows = db.prepare(`SELECT q.status AS status, COUNT(*) AS n FROM queries q WHERE ${where.sql} GROUP BY q.status`).all(...where.args) as Array<{ status: string; n: number }>;
  const counts: CurationCounts = { total: 0, pending: 0, accepted: 0, rejected: 0 };
  for (const r of rows) {
    counts[r.status as 'pending'] = r.n;
    counts.total += r.n;
  }
  return counts;
}

export function signalHistogram(db: Database.Database, signal: SignalName, bins: number, filter: QueryFilter): { bins: HistogramBin[]; missing: number } {
  const where = filterWhere(filter);
  const column = `q.${SIGNAL_COLUMNS[signal]}`;
  const range = db.prepare(`SELECT MIN(${column}) AS lo, MAX(${column}) AS hi, SUM(${column} IS NULL) AS missing FROM queries q WHERE ${where.sql}`).get(...where.args) as {
    lo: number | null;
    hi: number | null;
    missing: number | null;
  };
  if (range.lo === null || range.hi === null) return { bins: [], missing: range.missing ?? 0 };
  const width = range.hi > range.lo ? (range.hi - range.lo) / bins : 1;
  const counts = db
    .prepare(`SELECT MIN(CAST((${column} - ?) / ? AS INTEGER), ?) AS b, COUNT(*) AS n FROM queries q WHERE ${where.sql} AND ${column} IS NOT NULL GROUP BY b`)
    .all(range.lo, width, bins - 1, ...where.args) as Array<{ b: number; n: number }>;
  const out: HistogramBin[] = Array.from({ length: range.hi > range.lo ? bins : 1 }, (_, i) => ({ from: range.lo! + i * width, to: range.lo! + (i + 1) * width, count: 0 }));
  for (const c of counts) out[Math.min(c.b, out.length - 1)].count += c.n;
  return { bins: out, missing: range.missing ?? 0 };
}

export function perDocument(db: Database.Database, limit: number): Array<{ documentId: number; title: string | null; accepted: number; rejected: number; pending: number }> {
  return db
    .prepare(
      `SELECT d.id AS documentId, COALESCE(d.title, d.source_path) AS title,
         SUM(q.status = 'accepted') AS accepted, SUM(q.status = 'rejected') AS rejected, SUM(q.status = 'pending') AS pending
       FROM queries q JOIN passages p ON p.id = q.passage_id JOIN documents d ON d.id = p.document_id
       GROUP BY d.id ORDER BY COUNT(*) DESC, d.id LIMIT ?`,
    )
    .all(limit) as Array<{ documentId: number; title: string | null; accepted: number; rejected: number; pending: number }>;
}
