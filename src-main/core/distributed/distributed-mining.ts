// `genq mine --workers URL` (the 'mining.run' job with params.workers): GPL mining with its
// cross-encoder labelling (~95% of mining time, bench/mine.ts) sharded over `genq worker`s.
// Shards are the in-process job's batches (queriesPerBatch queries in id order). For each shard the
// coordinator runs the project-side half here, just before enqueueing it — retrieval, union,
// exclusions, the seeded draw (pickBatchNegatives, exactly as in-process) — and sends the texts; a
// worker runs scoreMiningShard, the function the in-process job calls, and returns the scored rows.
// Each query's rows are written once per stage (dist_results keyed by (stage, query id)) with
// insertMinedQueries, so a retried or duplicated shard writes nothing twice; margins equal the
// in-process run's for the same seed up to float noise. Retrieval stays here: it needs the
// project's passages and index, which workers never see.
import type Database from 'better-sqlite3';
import type { MiningParams, MiningReport } from '../../../shared/services/mining.js';
import { crossEncoderRow, openMiningRetrievers, retrieverName, type MiningHooks, type MiningTimings } from '../mining/mine.js';
import { batchQueries, MINED_QUERIES, pickBatchNegatives } from '../mining/mining-shard.js';
import type { MiningRetrieverHandle } from '../mining/retrievers.js';
import { createMiningRun, finishMiningRun, insertMinedQueries, miningReport } from '../mining/store.js';
import { coordinateStage, DistributedStageError } from './coordinator.js';
import type { ScoredQuery, ShardJob, ShardResult } from './protocol.js';
import { redactRedisUrl } from './redis-url.js';
import { createStage, getStage, recordShardResult, splitIntoShards } from './shard-store.js';
import { modelRefOf } from './worker-models.js';

/** The job's checkpoint for a mining run on workers: the run and its stage, created together. */
export interface DistributedMiningCheckpoint {
  runId: number;
  stageId: number;
}

export const isDistributedMiningCheckpoint = (c: unknown): c is DistributedMiningCheckpoint => typeof c === 'object' && c !== null && 'stageId' in c;

/** Creates the mining run and its stage (shards = the in-process job's query batches, in its order). */
export function planMiningStage(db: Database.Database, params: MiningParams, jobId: number | null): DistributedMiningCheckpoint {
  const workers = params.workers;
  if (!workers) throw new DistributedStageError('planMiningStage needs params.workers (the Redis URL of the workers)');
  const ce = crossEncoderRow(db, params.crossEncoderId);
  return db.transaction(() => {
    const config = { ...params, workers: { ...workers, redisUrl: redactRedisUrl(workers.redisUrl) } };
    const runId = createMiningRun(db, jobId, { ...config, retrieverNames: params.retrievers.map((r) => retrieverName(db, r)), crossEncoder: `${ce.name} (model ${ce.id})` });
    const ids = (db.prepare(`SELECT q.id ${MINED_QUERIES} ORDER BY q.id`).all() as Array<{ id: number }>).map((r) => r.id);
    // dist_shards.passage_ids holds query ids here, and dist_results keys queries (see schema v10).
    const stageId = createStage(db, { kind: 'mine', jobId, modelId: ce.id, config: { model: modelRefOf(ce), miningRunId: runId, redis: redactRedisUrl(workers.redisUrl) }, shards: splitIntoShards(ids, params.queriesPerBatch) });
    return { runId, stageId };
  }).immediate();
}

/**
 * Writes one delivered mining shard (call inside a transaction): each query's rows once per stage,
 * whatever number of times the shard arrives. Returns the queries newly written.
 */
export function writeMiningResult(db: Database.Database, cp: DistributedMiningCheckpoint, result: ShardResult): number {
  const queryExists = db.prepare('SELECT 1 FROM queries WHERE id = ?');
  const passageExists = db.prepare('SELECT 1 FROM passages WHERE id = ?');
  return recordShardResult(db, cp.stageId, result.shard, { ...result, passages: result.passages as ScoredQuery[] }, ({ key, row }) => {
    // Deleted since the shard was sent: the query goes, a vanished negative is left out.
    if (!queryExists.get(key) || !passageExists.get(row.positiveId)) return;
    insertMinedQueries(db, cp.runId, [{ ...row, negatives: row.negatives.filter((n) => passageExists.get(n.passageId)) }]);
  });
}

/** Runs (or resumes) a planned mining stage to the end; returns the run's report. */
export async function runMiningStage(db: Database.Database, projectDir: string, params: MiningParams, cp: DistributedMiningCheckpoint, hooks: MiningHooks = {}): Promise<MiningReport> {
  const workers = params.workers;
  if (!workers) throw new DistributedStageError('runMiningStage needs params.workers (the Redis URL of the workers)');
  const stage = getStage(db, cp.stageId);
  const ref = (stage.config as { model: ShardJob['model'] }).model;
  const started = performance.now();
  const total = stage.passages; // the stage's query count (a query rejected meanwhile is skipped)
  const timings: MiningTimings = { bm25: 0, dense: 0, crossEncoder: 0, other: 0 };
  const retrievers: MiningRetrieverHandle[] = [];
  try {
    await openMiningRetrievers(projectDir, db, params, retrievers, timings, hooks);
    await coordinateStage({
      db,
      redisUrl: workers.redisUrl,
      stageId: cp.stageId,
      queue: workers.queue,
      window: workers.window ?? 8,
      resyncMs: workers.resyncMs,
      signal: hooks.signal,
      log: (m) => hooks.log?.('info', m),
      shardJob: async (s, queueKey): Promise<ShardJob> => ({
        kind: 'mine',
        queueKey,
        shard: s.shard,
        model: ref,
        batchSize: params.batchSize,
        queries: await pickBatchNegatives(db, retrievers, batchQueries(db, s.passageIds), params, timings),
        refusedBy: [],
        deferrals: 0,
      }),
      writeResult: (result) => writeMiningResult(db, cp, result),
      progress: (c) => hooks.progress?.({ done: c.passagesDone, total, unit: 'queries', message: `${c.done}/${c.total} shards labelled on workers (${c.running} running), mining run ${cp.runId}` }),
    });
  } finally {
    for (const r of retrievers) await r.release();
  }
  // Cross-encoder time is the workers' compute time summed over the stage's shards.
  timings.crossEncoder = (db.prepare('SELECT COALESCE(SUM(seconds), 0) AS s FROM dist_shards WHERE stage_id = ?').get(cp.stageId) as { s: number }).s;
  const report = { ...miningReport(db, cp.runId, (performance.now() - started) / 1000)!, timings };
  finishMiningRun(db, cp.runId, report);
  return report;
}
