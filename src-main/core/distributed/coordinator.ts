// The coordinating side of a distributed stage, in the project's process: keeps a window of the
// stage's unfinished shards on the shared BullMQ queue (passage texts read from the project just
// before enqueueing, so Redis holds only what is in flight), consumes the stage's results queue
// and writes each result into the project in one transaction (idempotent: see shard-store.ts).
// Every `resyncMs` it reconciles Redis with the database: a shard job that vanished (Redis
// restarted empty) is added again under the same id, a failed one (attempts used up, model
// missing everywhere) ends the stage with its error, an active one is shown as running on its
// worker. Pause takes the stage's waiting shards off the queue; resume puts them back.
import type Database from 'better-sqlite3';
import { Queue, Worker, type Job } from 'bullmq';
import { DEFAULT_SHARD_QUEUE, resultsQueueName, shardJobId, type ShardJob, type ShardResult } from './protocol.js';
import { redisConnection, redactRedisUrl, waitUntilReady } from './redis.js';
import { getStage, markShard, setStageState, stageCounts, unfinishedShards, type ShardRow, type StageCounts } from './shard-store.js';

export class DistributedStageError extends Error {
  override name = 'DistributedStageError';
}

export interface CoordinatorOptions {
  db: Database.Database;
  redisUrl: string;
  stageId: number;
  /**
   * Shard payload for the queue (texts looked up here; workers never see the database). May be
   * async (a mining shard retrieves its candidates first); a throw ends the stage with that error.
   */
  shardJob(shard: ShardRow, queueKey: string): ShardJob | Promise<ShardJob>;
  /** Writes one delivered result inside the coordinator's transaction; returns passages newly written. */
  writeResult(result: ShardResult): number;
  queue?: string;
  /** Shards kept on the queue at once. */
  window?: number;
  resyncMs?: number;
  attempts?: number;
  signal?: AbortSignal;
  progress?(counts: StageCounts): void;
  log?(message: string): void;
}

/** Runs (or resumes) the stage until every shard is done; throws when one fails for good or on cancel. */
export async function coordinateStage(opts: CoordinatorOptions): Promise<StageCounts> {
  const { db, stageId } = opts;
  const stage = getStage(db, stageId);
  const connection = redisConnection(opts.redisUrl);
  try {
    await waitUntilReady(connection, opts.redisUrl); // a wrong URL fails the stage now; later outages are ridden out
  } catch (e) {
    connection.disconnect();
    throw e;
  }
  const shards = new Queue(opts.queue ?? DEFAULT_SHARD_QUEUE, { connection });
  shards.on('error', (e) => opts.log?.(`shard queue: ${e.message}`)); // connection drops while Redis restarts
  const window = opts.window ?? 64;
  const attempts = opts.attempts ?? 5;
  const log = (m: string) => opts.log?.(m);
  log(`stage ${stageId} (${stage.kind}): ${stage.shards} shards on ${redactRedisUrl(opts.redisUrl)}`);
  setStageState(db, stageId, getStage(db, stageId).state === 'paused' ? 'paused' : 'running');

  let settle!: (error: Error | null) => void;
  const finished = new Promise<Error | null>((resolve) => (settle = resolve));
  const write = db.transaction((result: ShardResult) => opts.writeResult(result));
  const report = () => {
    const counts = stageCounts(db, stageId);
    opts.progress?.(counts);
    if (counts.done === counts.total) settle(null);
    return counts;
  };
  const resultsConnection = redisConnection(opts.redisUrl);
  const results = new Worker(
    resultsQueueName(stage.queueKey),
    async (job: Job<ShardResult>) => {
      write.immediate(job.data);
      report();
    },
    { connection: resultsConnection, concurrency: 1, autorun: true },
  );
  results.on('error', (e) => log(`results queue: ${e.message}`));

  const completedWithoutResult = new Map<number, number>();
  let cancelled = false;
  let resyncing = false;
  const resync = async () => {
    if (resyncing) return;
    resyncing = true;
    try {
      const state = getStage(db, stageId).state;
      if (state === 'cancelled') {
        // Cancelled from the Workers panel (possibly another process sharing the project).
        cancelled = true;
        settle(new DistributedStageError(`stage ${stageId} cancelled`));
        return;
      }
      const paused = state === 'paused';
      const pending = unfinishedShards(db, stageId, window);
      const add: Array<{ name: string; data: ShardJob; opts: { jobId: string; attempts: number; backoff: { type: 'fixed'; delay: number }; removeOnComplete: { age: number }; removeOnFail: { age: number } } }> = [];
      for (const s of pending) {
        const id = shardJobId(stage.queueKey, s.shard);
        const job = await shards.getJob(id);
        const state = job ? await job.getState() : 'missing';
        if (paused) {
          let now = state;
          if (job && (state === 'waiting' || state === 'delayed' || state === 'prioritized')) {
            await job.remove().catch(() => undefined); // fails when a worker took it meanwhile
            now = (await shards.getJob(id)) ? await job.getState() : 'missing';
          }
          if (now === 'missing') markShard(db, stageId, s.shard, { state: 'pending' });
          if (now !== 'active') continue;
        }
        if (state === 'missing' || state === 'unknown') {
          let data: ShardJob;
          let slow = false;
          try {
            const made = opts.shardJob(s, stage.queueKey);
            slow = made instanceof Promise;
            data = await made;
          } catch (e) {
            settle(e as Error);
            return;
          }
          add.push({ name: `shard-${s.shard}`, data, opts: { jobId: id, attempts, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } } });
          markShard(db, stageId, s.shard, { state: 'queued' });
          if (slow) await shards.addBulk(add.splice(0)); // workers start on it while the next one is prepared
        } else if (state === 'active' || (paused && job)) {
          const progress = job!.progress as { worker?: string } | number;
          markShard(db, stageId, s.shard, { state: 'running', worker: typeof progress === 'object' ? (progress.worker ?? null) : null, attempts: job!.attemptsStarted });
        } else if (state === 'failed') {
          markShard(db, stageId, s.shard, { state: 'failed', attempts: job!.attemptsMade, error: job!.failedReason });
          settle(new DistributedStageError(`shard ${s.shard} failed after ${job!.attemptsMade} attempt(s): ${job!.failedReason}`));
        } else if (state === 'completed') {
          // Done on a worker but its result never arrived (lost with a Redis restart): run it again.
          const seen = (completedWithoutResult.get(s.shard) ?? 0) + 1;
          completedWithoutResult.set(s.shard, seen);
          if (seen >= 3) {
            await job!.remove().catch(() => undefined);
            completedWithoutResult.delete(s.shard);
          }
        } else {
          markShard(db, stageId, s.shard, { state: 'queued', attempts: job!.attemptsMade });
        }
      }
      if (add.length) await shards.addBulk(add);
      report();
    } catch (e) {
      log(`resync: ${(e as Error).message}`); // Redis unreachable: retried next tick
    } finally {
      resyncing = false;
    }
  };

  const onAbort = () => {
    cancelled = true;
    settle(new DistributedStageError(`stage ${stageId} cancelled`));
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  // A resumed stage retries the shards that failed last time (the worker or its model may be fixed):
  // those the database saw fail, and those still in hand on a worker when the last run ended, which
  // may have failed in Redis since (attempts used up while nobody watched).
  for (const s of unfinishedShards(db, stageId).filter((x) => x.state === 'failed' || x.state === 'queued' || x.state === 'running')) {
    const job = await shards.getJob(shardJobId(stage.queueKey, s.shard)).catch(() => undefined);
    if (job && (await job.getState()) === 'failed') await job.remove().catch(() => undefined);
    markShard(db, stageId, s.shard, { state: 'pending' });
  }
  const timer = setInterval(() => void resync(), opts.resyncMs ?? 2000);
  await resync();
  const error = await finished;
  clearInterval(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  while (resyncing) await new Promise((r) => setTimeout(r, 20));
  try {
    if (error) {
      // Take the stage's queued shards off the queue; results already written stay (a rerun resumes).
      for (const s of unfinishedShards(db, stageId)) {
        const job = await shards.getJob(shardJobId(stage.queueKey, s.shard)).catch(() => undefined);
        if (job && (await job.getState()) !== 'active') await job.remove().catch(() => undefined);
      }
      setStageState(db, stageId, cancelled ? 'cancelled' : 'failed', error.message);
      throw error;
    }
    setStageState(db, stageId, 'done');
    const resultsQueue = new Queue(resultsQueueName(stage.queueKey), { connection });
    await resultsQueue.obliterate({ force: true }).catch(() => undefined);
    await resultsQueue.close();
    return stageCounts(db, stageId);
  } finally {
    await results.close();
    await shards.close();
    resultsConnection.disconnect();
    connection.disconnect();
  }
}
