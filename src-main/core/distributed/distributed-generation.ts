// Job 'distributed.generation': the generation stage with its passages sharded over `genq worker`s.
// The run row, the passages in scope and their order are exactly the in-process job's
// (pendingPassageIds), and shards are its chunks (batchSize × 8 passages), so each worker decodes
// the same batches with the same per-passage sampling streams: the queries equal a single-machine
// run with the same seed. Queries are written by the coordinator only, through the stage's
// (stage, passage) key, with the checkpoint in the same transaction.
import type Database from 'better-sqlite3';
import type { GenerationResult } from '../../../shared/services/generation.js';
import type { JobContext, JobHandler } from '../jobs/types.js';
import { withStageLock } from '../project/locks.js';
import { generatorModel } from '../generation/generation-job.js';
import { createGenerationRun, insertQueries, passageTexts, pendingPassageIds, setRunSummary } from '../generation/store-queries.js';
import { coordinateStage } from './coordinator.js';
import type { GeneratedPassage, ShardJob } from './protocol.js';
import type { DistributedGenerationParams } from './jobs.js';
import { redactRedisUrl } from './redis.js';
import { createStage, getStage, recordShardResult, splitIntoShards } from './shard-store.js';
import { modelRefOf } from './worker-models.js';

interface Checkpoint {
  runId: number;
  stageId: number;
  queries: number;
  duplicates: number;
  empty: number;
}

/** Creates the run and the stage (shards = the in-process job's chunks, in its order). */
export function planGenerationStage(db: Database.Database, params: DistributedGenerationParams, jobId: number | null): Checkpoint {
  const { run, workers } = params;
  const model = generatorModel(db, run.modelId);
  return db.transaction(() => {
    // job_id NULL when a CLI call or a test coordinates without the job runner.
    const runId = createGenerationRun(db, {
      jobId: jobId as number,
      modelId: model.id,
      name: `${model.name} ${run.settings.mode} (workers)`,
      config: {
        model: { id: model.id, name: model.name, path: model.path, source: model.source, revision: model.revision },
        scope: run.scope,
        settings: run.settings,
        workers: { redis: redactRedisUrl(workers.redisUrl), shardSize: workers.shardSize ?? run.settings.batchSize * 8 },
      },
    });
    const shards = splitIntoShards(pendingPassageIds(db, run.scope, runId), workers.shardSize ?? run.settings.batchSize * 8);
    const stageId = createStage(db, { kind: 'generate', jobId, runId, modelId: model.id, config: { model: modelRefOf(model), settings: run.settings, redis: redactRedisUrl(workers.redisUrl) }, shards });
    return { runId, stageId, queries: 0, duplicates: 0, empty: 0 };
  }).immediate();
}

export interface StageHooks {
  signal?: AbortSignal;
  progress?(update: { done: number; total: number; message: string }): void;
  log?(message: string): void;
  /** Called inside the result transaction (a job saves its checkpoint here). */
  saved?(state: Checkpoint): void;
}

/** Runs (or resumes) a planned generation stage to the end; returns the run's summary. */
export async function runGenerationStage(db: Database.Database, params: DistributedGenerationParams, cp: Checkpoint, hooks: StageHooks = {}): Promise<GenerationResult> {
  const { run, workers } = params;
  const model = generatorModel(db, run.modelId);
  const ref = modelRefOf(model);
  const stage = getStage(db, cp.stageId);
  const state = { ...cp };
  const passageExists = db.prepare('SELECT 1 FROM passages WHERE id = ?');
  const started = performance.now();
  const shardJob = (s: { shard: number; passageIds: number[] }, queueKey: string): ShardJob => ({
    kind: 'generate',
    queueKey,
    shard: s.shard,
    model: ref,
    settings: run.settings,
    passages: passageTexts(db, s.passageIds).map((p) => ({ key: p.id, text: p.text })),
    refusedBy: [],
    deferrals: 0,
  });
  const counts = await coordinateStage({
    db,
    redisUrl: workers.redisUrl,
    stageId: cp.stageId,
    queue: workers.queue,
    window: workers.window,
    resyncMs: workers.resyncMs,
    shardJob,
    writeResult: (result) =>
      recordShardResult(db, cp.stageId, result.shard, { ...result, passages: result.passages as GeneratedPassage[] }, (p) => {
        if (!passageExists.get(p.key)) return; // deleted since the shard was sent
        state.queries += insertQueries(db, state.runId, [p]);
        state.duplicates += p.duplicates;
        state.empty += p.empty;
        hooks.saved?.(state);
      }),
    signal: hooks.signal,
    log: hooks.log,
    progress: (c) => hooks.progress?.({ done: c.passagesDone, total: stage.passages, message: `${c.done}/${c.total} shards (${c.running} running), ${state.queries} queries` }),
  });
  const result: GenerationResult = { runId: state.runId, passages: counts.passagesDone, queries: state.queries, duplicates: state.duplicates, empty: state.empty, seconds: (performance.now() - started) / 1000 };
  setRunSummary(db, state.runId, result);
  return result;
}

const handler: JobHandler<DistributedGenerationParams, Checkpoint> = {
  // The in-process job's lock: one generation per project at a time, on workers or not.
  run: (ctx) =>
    withStageLock(ctx.db, 'generation', `Query generation on workers (job ${ctx.jobId})`, () => runJob(ctx), {
      jobId: ctx.jobId,
      log: (message) => ctx.log('warn', message),
    }),
};

async function runJob(ctx: JobContext<DistributedGenerationParams, Checkpoint>): Promise<GenerationResult> {
  const { db, params } = ctx;
  let cp = ctx.checkpoint;
  if (!cp) {
    cp = planGenerationStage(db, params, ctx.jobId);
    ctx.saveCheckpoint(cp);
  } else ctx.log('info', `Resuming distributed stage ${cp.stageId} (run ${cp.runId})`);
  return runGenerationStage(db, params, cp, {
    signal: ctx.signal,
    log: (m) => ctx.log('info', m),
    progress: ({ done, total, message }) => ctx.progress({ done, total, unit: 'passages', message }),
    saved: (s) => ctx.saveCheckpoint(s),
  });
}

export default handler;
