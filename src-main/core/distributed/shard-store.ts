// The project-database side of a distributed stage (schema v7): the stage row, its shards (passage
// ids in the order the in-process run batches them), shard states as the coordinator sees them,
// and the idempotent result write. Only the coordinating process touches these tables.
import { createHash, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { StageState, StageWorkerShards } from '../../../shared/services/workers.js';

export type StageKind = 'generate' | 'embed' | 'mine';
export type ShardState = 'pending' | 'queued' | 'running' | 'done' | 'failed';

export interface StageRow {
  id: number;
  kind: StageKind;
  queueKey: string;
  jobId: number | null;
  runId: number | null;
  modelId: number | null;
  config: unknown;
  state: StageState;
  shards: number;
  passages: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export class ShardStoreError extends Error {
  override name = 'ShardStoreError';
}

interface RawStage {
  id: number;
  kind: StageKind;
  queue_key: string;
  job_id: number | null;
  run_id: number | null;
  model_id: number | null;
  config: string;
  state: StageState;
  shards: number;
  passages: number;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

const toStage = (r: RawStage): StageRow => ({
  id: r.id,
  kind: r.kind,
  queueKey: r.queue_key,
  jobId: r.job_id,
  runId: r.run_id,
  modelId: r.model_id,
  config: JSON.parse(r.config),
  state: r.state,
  shards: r.shards,
  passages: r.passages,
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

/** Cuts ordered passage ids into shards of `shardSize` (the last one shorter). */
export function splitIntoShards(passageIds: number[], shardSize: number): number[][] {
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new ShardStoreError(`shard size must be a positive integer, got ${shardSize}`);
  const out: number[][] = [];
  for (let i = 0; i < passageIds.length; i += shardSize) out.push(passageIds.slice(i, i + shardSize));
  return out;
}

/** Creates the stage and its shards in one transaction; returns the stage id. */
export function createStage(
  db: Database.Database,
  stage: { kind: StageKind; jobId?: number | null; runId?: number | null; modelId?: number | null; config: unknown; shards: number[][] },
): number {
  return db.transaction(() => {
    const passages = stage.shards.reduce((n, s) => n + s.length, 0);
    const id = Number(
      db
        .prepare('INSERT INTO dist_stages (kind, queue_key, job_id, run_id, model_id, config, shards, passages) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(stage.kind, randomUUID().replace(/-/g, '').slice(0, 16), stage.jobId ?? null, stage.runId ?? null, stage.modelId ?? null, JSON.stringify(stage.config), stage.shards.length, passages).lastInsertRowid,
    );
    const insert = db.prepare('INSERT INTO dist_shards (stage_id, shard, passage_ids) VALUES (?, ?, ?)');
    stage.shards.forEach((ids, shard) => insert.run(id, shard, JSON.stringify(ids)));
    return id;
  }).immediate();
}

export function getStage(db: Database.Database, stageId: number): StageRow {
  const row = db.prepare('SELECT * FROM dist_stages WHERE id = ?').get(stageId) as RawStage | undefined;
  if (!row) throw new ShardStoreError(`no distributed stage with id ${stageId} in this project`);
  return toStage(row);
}

export function listStages(db: Database.Database, limit = 20): StageRow[] {
  return (db.prepare('SELECT * FROM dist_stages ORDER BY id DESC LIMIT ?').all(limit) as RawStage[]).map(toStage);
}

export function setStageState(db: Database.Database, stageId: number, state: StageState, error: string | null = null): void {
  const finished = state === 'done' || state === 'failed' || state === 'cancelled';
  db.prepare(`UPDATE dist_stages SET state = ?, error = ?, finished_at = ${finished ? "strftime('%Y-%m-%dT%H:%M:%fZ','now')" : 'NULL'} WHERE id = ?`).run(state, error, stageId);
}

export interface ShardRow {
  shard: number;
  passageIds: number[];
  state: ShardState;
  worker: string | null;
  attempts: number;
  error: string | null;
}

/** Shards not done yet, in shard order (the next ones to enqueue come first), at most `limit`. */
export function unfinishedShards(db: Database.Database, stageId: number, limit = -1): ShardRow[] {
  const rows = db
    .prepare("SELECT shard, passage_ids, state, worker, attempts, error FROM dist_shards WHERE stage_id = ? AND state != 'done' ORDER BY shard LIMIT ?")
    .all(stageId, limit) as Array<{ shard: number; passage_ids: string; state: ShardState; worker: string | null; attempts: number; error: string | null }>;
  return rows.map((r) => ({ shard: r.shard, passageIds: JSON.parse(r.passage_ids) as number[], state: r.state, worker: r.worker, attempts: r.attempts, error: r.error }));
}

/** Updates what the queue says about a shard that is not done (done is final: never overwritten). */
export function markShard(db: Database.Database, stageId: number, shard: number, update: { state: Exclude<ShardState, 'done'>; worker?: string | null; attempts?: number; error?: string | null }): void {
  db.prepare(
    `UPDATE dist_shards SET state = ?, worker = COALESCE(?, worker), attempts = MAX(attempts, ?), error = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
     WHERE stage_id = ? AND shard = ? AND state != 'done'`,
  ).run(update.state, update.worker ?? null, update.attempts ?? 0, update.error ?? null, stageId, shard);
}

export interface StageCounts {
  total: number;
  done: number;
  running: number;
  failed: number;
  passagesDone: number;
}

export function stageCounts(db: Database.Database, stageId: number): StageCounts {
  const r = db
    .prepare(
      `SELECT COUNT(*) AS total, SUM(state = 'done') AS done, SUM(state = 'running') AS running, SUM(state = 'failed') AS failed
       FROM dist_shards WHERE stage_id = ?`,
    )
    .get(stageId) as { total: number; done: number | null; running: number | null; failed: number | null };
  const passagesDone = (db.prepare('SELECT COUNT(*) AS n FROM dist_results WHERE stage_id = ?').get(stageId) as { n: number }).n;
  return { total: r.total, done: r.done ?? 0, running: r.running ?? 0, failed: r.failed ?? 0, passagesDone };
}

/** Per worker: shards done / running / failed in this stage and the compute seconds of its done shards. */
export function shardsPerWorker(db: Database.Database, stageId: number): StageWorkerShards[] {
  return db
    .prepare(
      `SELECT worker, MAX(device) AS device, SUM(state = 'done') AS done, SUM(state = 'running') AS running, SUM(state = 'failed') AS failed,
              SUM(CASE WHEN state = 'done' THEN json_array_length(passage_ids) ELSE 0 END) AS passages,
              COALESCE(SUM(CASE WHEN state = 'done' THEN seconds END), 0) AS seconds
       FROM dist_shards WHERE stage_id = ? AND worker IS NOT NULL GROUP BY worker ORDER BY worker`,
    )
    .all(stageId) as StageWorkerShards[];
}

export const textHash = (text: string): string => createHash('sha1').update(text).digest('hex');

/**
 * Writes one delivered shard: `writePassage` runs only for passages this stage has no result for
 * yet (the (stage, passage) key makes a retried shard's second delivery a no-op), then the shard
 * is marked done. Call inside a transaction. Returns how many passages were new.
 */
export function recordShardResult<T extends { key: number }>(
  db: Database.Database,
  stageId: number,
  shard: number,
  result: { worker: string; device: string; seconds: number; passages: T[] },
  writePassage: (p: T) => { textHash?: string; vector?: Buffer } | void,
): number {
  const claim = db.prepare('INSERT OR IGNORE INTO dist_results (stage_id, passage_id, shard) VALUES (?, ?, ?)');
  const attach = db.prepare('UPDATE dist_results SET text_hash = ?, vector = ? WHERE stage_id = ? AND passage_id = ?');
  let fresh = 0;
  for (const p of result.passages) {
    if (claim.run(stageId, p.key, shard).changes === 0) continue; // already written by an earlier delivery
    fresh++;
    const extra = writePassage(p);
    if (extra && (extra.textHash || extra.vector)) attach.run(extra.textHash ?? null, extra.vector ?? null, stageId, p.key);
  }
  db.prepare(
    `UPDATE dist_shards SET state = 'done', worker = ?, device = ?, seconds = ?, error = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
     WHERE stage_id = ? AND shard = ? AND state != 'done'`,
  ).run(result.worker, result.device, result.seconds, stageId, shard);
  return fresh;
}

/**
 * Looks up the vector stored for a text in an embed stage (null when none). The statement is
 * prepared once: the index build asks for every passage of the stage.
 */
export function storedVectorLookup(db: Database.Database, stageId: number): (text: string) => Float32Array | null {
  const select = db.prepare('SELECT vector FROM dist_results WHERE stage_id = ? AND text_hash = ? AND vector IS NOT NULL LIMIT 1');
  return (text) => {
    const row = select.get(stageId, textHash(text)) as { vector: Buffer } | undefined;
    return row ? decodeVector(row.vector) : null;
  };
}

export const encodeVector = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
export function decodeVector(b: Buffer): Float32Array {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}
