// Reads and writes the jobs and job_logs tables on the main thread's connection.
import type Database from 'better-sqlite3';
import type { JobLogLine, JobProgress, JobSnapshot, JobState } from '../../../shared/services/jobs.js';
import type { WireError } from '../../../shared/contract.js';
import { JobNotFoundError } from './errors.js';

interface JobRow {
  id: number;
  kind: string;
  title: string;
  params: string;
  state: JobState;
  progress: string | null;
  checkpoint: string | null;
  result: string | null;
  error: string | null;
  owner_pid: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export const RESUMABLE_STATES: readonly JobState[] = ['interrupted', 'failed', 'cancelled'];
export const FINAL_STATES: readonly JobState[] = ['done', 'failed', 'cancelled', 'interrupted'];

const parse = (json: string | null): unknown => (json == null ? null : JSON.parse(json));
const now = () => new Date().toISOString();

export function emptyProgress(): JobProgress {
  return { done: 0, total: null, unit: 'items', rate: null, etaSeconds: null };
}

export class JobTable {
  constructor(private readonly db: Database.Database) {}

  insert(kind: string, title: string, params: unknown, ownerPid: number): number {
    const info = this.db
      .prepare(`INSERT INTO jobs (kind, title, params, state, progress, owner_pid) VALUES (?, ?, ?, 'queued', ?, ?)`)
      .run(kind, title, JSON.stringify(params ?? null), JSON.stringify(emptyProgress()), ownerPid);
    return Number(info.lastInsertRowid);
  }

  snapshot(id: number): JobSnapshot {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    if (!row) throw new JobNotFoundError(id);
    return toSnapshot(row);
  }

  list(limit: number): JobSnapshot[] {
    const rows = this.db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit) as JobRow[];
    return rows.map(toSnapshot);
  }

  /** Queued jobs this process owns, oldest first: the order they start in. */
  queued(ownerPid: number): Array<{ id: number; kind: string }> {
    return this.db
      .prepare(`SELECT id, kind FROM jobs WHERE state = 'queued' AND owner_pid = ? ORDER BY id`)
      .all(ownerPid) as Array<{ id: number; kind: string }>;
  }

  /** Jobs left running or queued, with the process that owned them. */
  unfinished(): Array<{ id: number; state: JobState; owner_pid: number | null; heartbeat_at: string | null }> {
    return this.db
      .prepare(`SELECT id, state, owner_pid, heartbeat_at FROM jobs WHERE state IN ('running', 'queued') ORDER BY id`)
      .all() as Array<{ id: number; state: JobState; owner_pid: number | null; heartbeat_at: string | null }>;
  }

  startInfo(id: number): { params: unknown; checkpoint: unknown } {
    const row = this.db.prepare('SELECT params, checkpoint FROM jobs WHERE id = ?').get(id) as
      | { params: string; checkpoint: string | null }
      | undefined;
    if (!row) throw new JobNotFoundError(id);
    return { params: parse(row.params), checkpoint: parse(row.checkpoint) };
  }

  markRunning(id: number, ownerPid: number): void {
    const t = now();
    this.db
      .prepare(
        `UPDATE jobs SET state = 'running', owner_pid = ?, started_at = ?, heartbeat_at = ?, finished_at = NULL, error = NULL WHERE id = ?`,
      )
      .run(ownerPid, t, t, id);
  }

  requeue(id: number, ownerPid: number, progress: JobProgress): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'queued', owner_pid = ?, error = NULL, result = NULL, finished_at = NULL, progress = ? WHERE id = ?`,
      )
      .run(ownerPid, JSON.stringify(progress), id);
  }

  saveProgress(id: number, progress: JobProgress): void {
    this.db
      .prepare('UPDATE jobs SET progress = ?, heartbeat_at = ? WHERE id = ?')
      .run(JSON.stringify(progress), now(), id);
  }

  heartbeat(ids: number[]): void {
    const stmt = this.db.prepare('UPDATE jobs SET heartbeat_at = ? WHERE id = ?');
    const t = now();
    this.db.transaction(() => ids.forEach((id) => stmt.run(t, id)))();
  }

  finish(
    id: number,
    state: Exclude<JobState, 'queued' | 'running'>,
    fields: { result?: unknown; error?: WireError | null; progress?: JobProgress },
  ): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = ?, result = ?, error = ?, finished_at = ?, heartbeat_at = ?,
           progress = COALESCE(?, progress) WHERE id = ?`,
      )
      .run(
        state,
        fields.result === undefined ? null : JSON.stringify(fields.result),
        fields.error ? JSON.stringify(fields.error) : null,
        now(),
        now(),
        fields.progress ? JSON.stringify(fields.progress) : null,
        id,
      );
  }

  addLog(id: number, level: JobLogLine['level'], message: string): JobLogLine {
    const time = now();
    this.db.prepare('INSERT INTO job_logs (job_id, time, level, message) VALUES (?, ?, ?, ?)').run(id, time, level, message);
    return { jobId: id, time, level, message };
  }

  /** The last `limit` log lines, oldest first. */
  logs(id: number, limit: number): JobLogLine[] {
    const rows = this.db
      .prepare('SELECT job_id AS jobId, time, level, message FROM job_logs WHERE job_id = ? ORDER BY id DESC LIMIT ?')
      .all(id, limit) as JobLogLine[];
    return rows.reverse();
  }

  addMetricPoint(runId: number, series: string, step: number, value: number): void {
    this.db.prepare('INSERT INTO metric_points (run_id, series, step, value) VALUES (?, ?, ?, ?)').run(runId, series, step, value);
  }
}

function toSnapshot(row: JobRow): JobSnapshot {
  const progress = { ...emptyProgress(), ...((parse(row.progress) as Partial<JobProgress> | null) ?? {}) };
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    state: row.state,
    progress,
    params: parse(row.params),
    result: parse(row.result),
    error: (parse(row.error) as WireError | null) ?? null,
    resumable: RESUMABLE_STATES.includes(row.state),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
