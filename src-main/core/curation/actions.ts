// Curation actions with a persisted undo/redo log. A status change records, in one transaction,
// the previous status of the rows it changes compactly: one curation_action_groups row per previous
// (status, reason) holding the affected ids as a JSON array (schema v5; before it, one
// curation_action_rows row per query, which a 100k-row bulk change paid as a 100k-entry b-tree
// insert). Undo is one UPDATE … FROM json_each per action and redo re-applies the action's status;
// bulk changes over 100k rows stay set-based (no per-row statements). A new action discards the
// redo stack.
import type Database from 'better-sqlite3';
import type { QueryStatus, UndoEntry } from '../../../shared/services/curation.js';
import type { SqlWhere } from './filter.js';

export class CurationActionError extends Error {
  override name = 'CurationActionError';
}

type StatusPayload = { status: QueryStatus; reason: string };
type EditPayload = { queryId: number; before: string; after: string };
type AddPayload = { queryId: number; passageId: number; text: string; status: QueryStatus };

interface ActionRow {
  id: number;
  kind: 'status' | 'edit' | 'add';
  label: string;
  payload: string;
  row_count: number;
  undone: number;
  created_at: string;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

function entry(row: ActionRow): UndoEntry {
  return { id: row.id, label: row.label, rowCount: row.row_count, undone: row.undone === 1, createdAt: row.created_at };
}

/**
 * Runs a status change (or its undo/redo) with SQLite's WAL autocheckpoint off for its commit, then
 * checkpoints (PASSIVE) once the connection has been idle a moment. A bulk change rewrites most
 * pages of `queries`; the autocheckpoint would copy them all into the database file (and fsync)
 * inside the user's action, ~30% of a 100k-row reject. The commit is as durable either way (the
 * WAL holds it); another commit before the timer checkpoints as it always did.
 */
function withDeferredCheckpoint<T>(db: Database.Database, change: () => T): T {
  const previous = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  if (previous <= 0) return change(); // someone manages checkpoints themselves
  db.pragma('wal_autocheckpoint = 0');
  try {
    return change();
  } finally {
    db.pragma(`wal_autocheckpoint = ${previous}`);
    scheduleCheckpoint(db);
  }
}

const CHECKPOINT_DELAY_MS = 750;
const checkpointTimers = new WeakMap<Database.Database, ReturnType<typeof setTimeout>>();

function scheduleCheckpoint(db: Database.Database): void {
  clearTimeout(checkpointTimers.get(db));
  const timer = setTimeout(() => {
    checkpointTimers.delete(db);
    if (db.open && !db.inTransaction) db.pragma('wal_checkpoint(PASSIVE)');
  }, CHECKPOINT_DELAY_MS);
  timer.unref?.(); // a CLI run may exit first: closing the last connection checkpoints anyway
  checkpointTimers.set(db, timer);
}

function startAction(db: Database.Database, kind: ActionRow['kind'], label: string, payload: object): number {
  db.prepare('DELETE FROM curation_actions WHERE undone = 1').run();
  return Number(db.prepare('INSERT INTO curation_actions (kind, label, payload) VALUES (?, ?, ?)').run(kind, label, JSON.stringify(payload)).lastInsertRowid);
}

/**
 * Sets `status` (with `reason` in status_reason) on the queries selected by `select`, an SQL
 * query returning query ids (column `id`), skipping those that already have that status.
 * Returns the number changed and the undoable action (null when nothing changed).
 */
export function setStatusWhere(db: Database.Database, select: SqlWhere, status: QueryStatus, reason: string, label: string): { changed: number; actionId: number | null } {
  return withDeferredCheckpoint(db, () => setStatusInTransaction(db, select, status, reason, label));
}

function setStatusInTransaction(db: Database.Database, select: SqlWhere, status: QueryStatus, reason: string, label: string): { changed: number; actionId: number | null } {
  return db.transaction(() => {
    // The rows that change, grouped by what undo must restore; the selection is evaluated once.
    const groups = db
      .prepare(
        `SELECT q.status AS before, q.status_reason AS beforeReason, json_group_array(q.id) AS ids
         FROM queries q WHERE q.id IN (${select.sql}) AND q.status != ? GROUP BY q.status, q.status_reason`,
      )
      .all(...select.args, status) as Array<{ before: QueryStatus; beforeReason: string | null; ids: string }>;
    if (groups.length === 0) return { changed: 0, actionId: null };
    const actionId = startAction(db, 'status', label, { status, reason } satisfies StatusPayload);
    const saveGroup = db.prepare('INSERT INTO curation_action_groups (action_id, before_status, before_reason, query_ids) VALUES (?, ?, ?, ?)');
    for (const g of groups) saveGroup.run(actionId, g.before, g.beforeReason, g.ids);
    // One timestamp bound for the whole change (an strftime per row costs ~10% at 100k rows).
    const changed = db.prepare(`UPDATE queries SET status = ?, status_reason = ?, updated_at = ? WHERE id IN (${ACTION_IDS})`).run(status, reason, new Date().toISOString(), actionId).changes;
    db.prepare('UPDATE curation_actions SET row_count = ? WHERE id = ?').run(changed, actionId);
    return { changed, actionId };
  })();
}

/** The query ids a status action changed (bound parameter: the action id). */
const ACTION_IDS = 'SELECT j.value FROM curation_action_groups g, json_each(g.query_ids) j WHERE g.action_id = ?';
/** Same, from the per-query log of actions recorded before schema v5. */
const LEGACY_ACTION_IDS = 'SELECT query_id FROM curation_action_rows WHERE action_id = ?';

export function editQuery(db: Database.Database, id: number, text: string): number {
  return db.transaction(() => {
    const row = db.prepare('SELECT text FROM queries WHERE id = ?').get(id) as { text: string } | undefined;
    if (!row) throw new CurationActionError(`query ${id} does not exist`);
    const actionId = startAction(db, 'edit', `edit query ${id}`, { queryId: id, before: row.text, after: text } satisfies EditPayload);
    writeText(db, id, text);
    db.prepare('UPDATE curation_actions SET row_count = 1 WHERE id = ?').run(actionId);
    return actionId;
  })();
}

/** The edited text invalidates the text-derived signals; the next signals job fills them again. */
function writeText(db: Database.Database, id: number, text: string): void {
  db.prepare(
    `UPDATE queries SET text = ?, updated_at = ${NOW}, signals = NULL, sig_tokens = NULL, sig_words = NULL, sig_overlap = NULL, sig_copy = NULL,
       sig_dup_passage = NULL, sig_dup_corpus = NULL, sig_near_dup = NULL, sig_near_dup_corpus = NULL, near_dup_of = NULL, sig_degenerate = NULL, sig_roundtrip = NULL, sig_relevance = NULL
     WHERE id = ?`,
  ).run(text, id);
}

export function addQuery(db: Database.Database, passageId: number, text: string, status: QueryStatus): { id: number; actionId: number } {
  return db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM passages WHERE id = ?').get(passageId)) throw new CurationActionError(`passage ${passageId} does not exist`);
    const id = Number(
      db.prepare("INSERT INTO queries (passage_id, text, origin, status, status_reason) VALUES (?, ?, 'manual', ?, 'added by hand')").run(passageId, text, status).lastInsertRowid,
    );
    const actionId = startAction(db, 'add', `add query to passage ${passageId}`, { queryId: id, passageId, text, status } satisfies AddPayload);
    db.prepare('UPDATE curation_actions SET row_count = 1 WHERE id = ?').run(actionId);
    return { id, actionId };
  })();
}

/** Reverts the latest action that is not undone; null when there is nothing to undo. */
export function undo(db: Database.Database): UndoEntry | null {
  return withDeferredCheckpoint(db, () => undoInTransaction(db));
}

function undoInTransaction(db: Database.Database): UndoEntry | null {
  return db.transaction(() => {
    const row = db.prepare('SELECT * FROM curation_actions WHERE undone = 0 ORDER BY id DESC LIMIT 1').get() as ActionRow | undefined;
    if (!row) return null;
    const payload = JSON.parse(row.payload);
    if (row.kind === 'status') {
      const now = new Date().toISOString();
      db.prepare(
        `UPDATE queries SET status = g.before_status, status_reason = g.before_reason, updated_at = ?
         FROM (SELECT g.before_status, g.before_reason, j.value AS id FROM curation_action_groups g, json_each(g.query_ids) j WHERE g.action_id = ?) g
         WHERE queries.id = g.id`,
      ).run(now, row.id);
      db.prepare(
        `UPDATE queries SET status = r.before_status, status_reason = r.before_reason, updated_at = ?
         FROM curation_action_rows r WHERE r.action_id = ? AND r.query_id = queries.id`,
      ).run(now, row.id);
    } else if (row.kind === 'edit') {
      writeText(db, (payload as EditPayload).queryId, (payload as EditPayload).before);
    } else {
      db.prepare('DELETE FROM queries WHERE id = ?').run((payload as AddPayload).queryId);
    }
    db.prepare('UPDATE curation_actions SET undone = 1 WHERE id = ?').run(row.id);
    return entry({ ...row, undone: 1 });
  })();
}

/** Re-applies the earliest undone action; null when there is nothing to redo. */
export function redo(db: Database.Database): UndoEntry | null {
  return withDeferredCheckpoint(db, () => redoInTransaction(db));
}

function redoInTransaction(db: Database.Database): UndoEntry | null {
  return db.transaction(() => {
    const row = db.prepare('SELECT * FROM curation_actions WHERE undone = 1 ORDER BY id ASC LIMIT 1').get() as ActionRow | undefined;
    if (!row) return null;
    const payload = JSON.parse(row.payload);
    if (row.kind === 'status') {
      const p = payload as StatusPayload;
      db.prepare(`UPDATE queries SET status = ?, status_reason = ?, updated_at = ${NOW} WHERE id IN (${ACTION_IDS} UNION ALL ${LEGACY_ACTION_IDS})`).run(
        p.status,
        p.reason,
        row.id,
        row.id,
      );
    } else if (row.kind === 'edit') {
      writeText(db, (payload as EditPayload).queryId, (payload as EditPayload).after);
    } else {
      const p = payload as AddPayload;
      if (!db.prepare('SELECT 1 FROM passages WHERE id = ?').get(p.passageId)) throw new CurationActionError(`cannot redo: passage ${p.passageId} no longer exists`);
      db.prepare("INSERT INTO queries (id, passage_id, text, origin, status, status_reason) VALUES (?, ?, ?, 'manual', ?, 'added by hand')").run(p.queryId, p.passageId, p.text, p.status);
    }
    db.prepare('UPDATE curation_actions SET undone = 0 WHERE id = ?').run(row.id);
    return entry({ ...row, undone: 0 });
  })();
}

/** Latest actions first (undone ones included, flagged). */
export function history(db: Database.Database, limit = 50): UndoEntry[] {
  return (db.prepare('SELECT * FROM curation_actions ORDER BY id DESC LIMIT ?').all(limit) as ActionRow[]).map(entry);
}
