// The project-database side of query generation: which passages a scope selects (minus those a run
// already covered), the 'generation' run row, writing a batch's queries, and the read queries of
// the Generate page (latest queries beside their passages, runs).
import type Database from 'better-sqlite3';
import type { GeneratedQuery, GenerationResult, GenerationRun, GenerationScope } from '../../../shared/services/generation.js';
import type { PassageQueries } from './generate-queries.js';

/** WHERE clause (over passages p) and its parameters for a scope. */
function scopeWhere(scope: GenerationScope): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (scope.skipDuplicates) parts.push('p.duplicate_of IS NULL');
  if (scope.kind === 'new') parts.push('NOT EXISTS (SELECT 1 FROM queries q WHERE q.passage_id = p.id)');
  if (scope.kind === 'filter') {
    if (scope.documentIds?.length) {
      parts.push(`p.document_id IN (${scope.documentIds.map(() => '?').join(',')})`);
      params.push(...scope.documentIds);
    }
    if (scope.passageIds?.length) {
      parts.push(`p.id IN (${scope.passageIds.map(() => '?').join(',')})`);
      params.push(...scope.passageIds);
    }
    if (scope.split) {
      parts.push('p.split = ?');
      params.push(scope.split);
    }
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}

export function countScope(db: Database.Database, scope: GenerationScope): number {
  const w = scopeWhere(scope);
  return (db.prepare(`SELECT COUNT(*) AS n FROM passages p WHERE ${w.sql}`).get(...w.params) as { n: number }).n;
}

export interface PendingPassage {
  id: number;
  text: string;
}

/**
 * Passage ids of the scope that have no query from run `runId` yet (on resume, what is left),
 * ordered by token length (import's count, else characters / 4) so consecutive passages batch with
 * little padding. For scope 'new' this is simply "no query at all", at start and on resume alike.
 */
export function pendingPassageIds(db: Database.Database, scope: GenerationScope, runId: number, maxPassageId?: number): number[] {
  const w = scopeWhere(scope);
  // A resumed run keeps the scope it started with: passages imported since (higher ids) are not in it.
  const bound = maxPassageId === undefined ? '' : 'AND p.id <= ?';
  return db
    .prepare(
      `SELECT p.id FROM passages p WHERE ${w.sql} ${bound} AND NOT EXISTS (SELECT 1 FROM queries q WHERE q.passage_id = p.id AND q.run_id = ?)
       ORDER BY COALESCE(p.token_count, length(p.text) / 4), p.id`,
    )
    .pluck()
    .all(...w.params, ...(maxPassageId === undefined ? [] : [maxPassageId]), runId) as number[];
}

/** The highest passage id now: the bound of a run's scope (see pendingPassageIds). */
export function maxPassageId(db: Database.Database): number {
  return (db.prepare('SELECT coalesce(max(id), 0) AS id FROM passages').get() as { id: number }).id;
}

export function passageTexts(db: Database.Database, ids: number[]): PendingPassage[] {
  if (ids.length === 0) return [];
  const rows = db.prepare(`SELECT id, text FROM passages WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as PendingPassage[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []); // a passage deleted meanwhile is skipped
}

export function createGenerationRun(db: Database.Database, run: { jobId: number; modelId: number; name: string; config: unknown }): number {
  return Number(
    db.prepare("INSERT INTO runs (kind, name, job_id, model_id, config) VALUES ('generation', ?, ?, ?, ?)").run(run.name, run.jobId, run.modelId, JSON.stringify(run.config)).lastInsertRowid,
  );
}

/** Inserts a batch's kept queries (origin 'generated', with run and sequence index). */
export function insertQueries(db: Database.Database, runId: number, batch: PassageQueries[]): number {
  const insert = db.prepare("INSERT INTO queries (passage_id, text, origin, run_id, seq) VALUES (?, ?, 'generated', ?, ?)");
  let n = 0;
  for (const p of batch) for (const q of p.queries) (insert.run(p.key, q.text, runId, q.seq), n++);
  return n;
}

export function setRunSummary(db: Database.Database, runId: number, summary: GenerationResult): void {
  db.prepare('UPDATE runs SET summary = ? WHERE id = ?').run(JSON.stringify(summary), runId);
}

export function latestQueries(db: Database.Database, runId: number | undefined, limit: number): GeneratedQuery[] {
  const rows = db
    .prepare(
      `SELECT q.id, q.passage_id AS passageId, p.text AS passage, q.text AS query, q.seq, q.run_id AS runId
       FROM queries q JOIN passages p ON p.id = q.passage_id
       WHERE q.origin = 'generated' ${runId ? 'AND q.run_id = ?' : ''} ORDER BY q.id DESC LIMIT ?`,
    )
    .all(...(runId ? [runId, limit] : [limit])) as GeneratedQuery[];
  return rows;
}

export function listGenerationRuns(db: Database.Database): GenerationRun[] {
  const rows = db
    .prepare(
      `SELECT r.id, r.job_id AS jobId, r.model_id AS modelId, r.config, r.summary, r.created_at AS createdAt,
              (SELECT COUNT(*) FROM queries q WHERE q.run_id = r.id) AS queries
       FROM runs r WHERE r.kind = 'generation' ORDER BY r.id DESC`,
    )
    .all() as Array<Omit<GenerationRun, 'config' | 'summary'> & { config: string; summary: string | null }>;
  return rows.map((r) => ({ ...r, config: JSON.parse(r.config), summary: r.summary ? (JSON.parse(r.summary) as GenerationResult) : null }));
}
