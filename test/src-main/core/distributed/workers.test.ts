// Distributed generation over Redis/BullMQ with `genq worker` child processes on the tiny-t5
// fixture: three workers give exactly the queries of the in-process job with the same seed; a
// worker killed with SIGKILL mid-shard loses nothing (the stalled shard is retried elsewhere) and
// duplicates nothing; a Redis restart (empty, no persistence) mid-run is ridden out; a worker that
// cannot load the shard's model reports a clear error and the shard goes to another worker.
// Worker processes are the cost here (~2 CPU-s each to start and load a model), so a pool of three
// started once (alongside the in-process reference run) serves every test whose subject is not
// which worker starts when; a scenario that needs a worker alone on the queue first (the doomed,
// the wrong-model ones) and one joining later runs on its own queue name (workers.queue, --queue).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationResult } from '../../../../shared/services/generation.js';
import { planGenerationStage, runGenerationStage } from '../../../../src-main/core/distributed/distributed-generation.js';
import { distributedGenerationParamsSchema } from '../../../../src-main/core/distributed/jobs.js';
import { redisConnection } from '../../../../src-main/core/distributed/redis.js';
import { recordShardResult, shardsPerWorker, stageCounts } from '../../../../src-main/core/distributed/shard-store.js';
import { listWorkers } from '../../../../src-main/core/distributed/worker-registry.js';
import { servicesOnNewProject, type TestServices } from '../../../helpers/services.js';
import { useTempDirs, waitUntil } from '../../../helpers/temp-dir.js';
import { FIXTURES } from '../models/fixtures.js';
import { insertPassages, TINY_T5 } from '../generation/project-fixture.js';
import { RedisServer } from './redis-server.js';
import { startWorkerProcess, stopWorkerProcess as stopWorker } from './worker-process.js';
import { buildIndexForModel } from '../../../../src-main/core/index/build-for-model.js';
import { loadIndex } from '../../../../src-main/core/index/index-store.js';
import { buildIndexOnWorkers } from '../../../../src-main/core/distributed/distributed-index.js';

const tempDir = useTempDirs('genq-distributed-');
const TINY_BERT = join(FIXTURES, 'tiny-bert');
const LOCK_MS = 1000;
/** The pool's workers: no test kills them, so a long lock spares them lapsed locks (and shards run twice) on a loaded machine. */
const POOL_LOCK_MS = 10_000;
const POOL = ['w1', 'w2', 'w3'];

const settings = { numQueries: 3, maxLength: 8, seed: 7, batchSize: 2 };

interface Row {
  passage_id: number;
  seq: number;
  text: string;
}
const queriesOf = (db: Database.Database, runId: number) => db.prepare('SELECT passage_id, seq, text FROM queries WHERE run_id = ? ORDER BY passage_id, seq').all(runId) as Row[];

let redis: RedisServer;
let s: TestServices;
let db: Database.Database;
let modelId: number;
let reference: Row[];
let graphCache: string;
let pool: ChildProcess[];
let rescuer: ChildProcess | null = null;
const children: ChildProcess[] = [];

/** A worker on `queue` (default: the pool's queue, genq-shards). */
async function startWorker(id: string, extra: string[] = [], opts: { queue?: string; lockMs?: number } = {}): Promise<ChildProcess> {
  const queue = opts.queue ? ['--queue', opts.queue] : [];
  const child = await startWorkerProcess({ redisUrl: redis.url, id, graphCache, lockMs: opts.lockMs ?? LOCK_MS, extra: [...queue, ...extra], started: (c) => children.push(c) });
  return child;
}

const params = (extra: Record<string, unknown> = {}) =>
  distributedGenerationParamsSchema.parse({ run: { modelId, scope: { kind: 'all' }, settings, threads: 1 }, workers: { redisUrl: redis.url, shardSize: 2, resyncMs: 200, ...extra } });

async function runStage(p = params(), hooks: { onProgress?(done: number): void } = {}) {
  const cp = planGenerationStage(db, p, null);
  const result = await runGenerationStage(db, p, cp, { progress: ({ done }) => hooks.onProgress?.(done) });
  return { result, stageId: cp.stageId };
}

beforeAll(async () => {
  redis = await RedisServer.start();
  graphCache = tempDir();
  s = await servicesOnNewProject(tempDir());
  db = s.projects.require().project.db;
  insertPassages(db, 21); // 20 in scope (the last is a duplicate) → 10 shards of 2
  modelId = (await s.impl.models.add({ dir: TINY_T5, role: 'generator' })).id;
  const starting = Promise.all(POOL.map((id) => startWorker(id, ['--delay-ms', '50'], { lockMs: POOL_LOCK_MS })));
  starting.catch(() => undefined); // awaited below
  const job = await s.impl.generation.start({ modelId, scope: { kind: 'all' }, settings, threads: 1 } as never);
  const done = await s.finished(job.id);
  expect(done.state).toBe('done');
  reference = queriesOf(db, (done.result as GenerationResult).runId);
  expect(reference.length).toBeGreaterThan(30);
  pool = await starting;
});

afterAll(async () => {
  for (const c of children) await stopWorker(c, 'SIGKILL');
  await s?.dispose();
  await redis?.stop();
});

describe('distributed generation', () => {
  it('three workers: the same queries as the in-process run with the same seed, shards spread over the workers', async () => {
    {
      const { result, stageId } = await runStage();
      expect(queriesOf(db, result.runId)).toEqual(reference);
      expect(result.queries).toBe(reference.length);
      expect(stageCounts(db, stageId)).toMatchObject({ total: 10, done: 10, failed: 0, passagesDone: 20 });
      const perWorker = shardsPerWorker(db, stageId);
      expect(perWorker.reduce((n, w) => n + w.done, 0)).toBe(10);
      expect(perWorker.length).toBeGreaterThanOrEqual(2);
      expect(perWorker.every((w) => w.device === 'cpu')).toBe(true);
      const conn = redisConnection(redis.url);
      // The registry catches up at the workers' next heartbeat. More than 10 when a loaded machine let
      // a lock lapse and a shard ran twice (its second result wrote nothing: the queries above are exact).
      const listed = await waitUntil(async () => {
        const l = await listWorkers(conn);
        return l.reduce((n, w) => n + w.shardsDone, 0) >= 10 ? l : null;
      }, 10_000, 'the registry to count 10 shards');
      conn.disconnect();
      expect(listed.map((w) => w.id)).toEqual(POOL);
      expect(listed.every((w) => w.devices.includes('cpu') || w.shardsDone === 0)).toBe(true);
    }
  });

  it('a delivered shard written twice writes nothing the second time', () => {
    const p = params();
    const cp = planGenerationStage(db, p, null);
    const delivery = { worker: 'x', device: 'cpu', seconds: 0.1, passages: [{ key: 1, queries: [{ seq: 0, text: 'q' }], duplicates: 0, empty: 0 }] };
    const write = () => db.transaction(() => recordShardResult(db, cp.stageId, 0, delivery, () => undefined))();
    expect(write()).toBe(1);
    expect(write()).toBe(0);
  });

  // Worker start-ups one after the other, or a job's shards on one slow-ish worker: on a loaded
  // machine (CI runs two files at once on two cores) these alone can near the default 60 s.
  const SEQUENTIAL_STARTS = { timeout: 180_000 };

  it('kill -9 of a worker mid-shard: the stalled shard is retried by another worker, nothing lost or duplicated', SEQUENTIAL_STARTS, async () => {
    // Alone on its queue, so the doomed worker surely takes a shard. The rescuer, started after the
    // kill, is the single slow-ish worker of the workers API test below.
    const slow = await startWorker('doomed', ['--delay-ms', '5000'], { queue: 'q-kill' });
    try {
      const p = params({ queue: 'q-kill', shardSize: 10 }); // 2 shards: one in the doomed worker's hands, one waiting
      const cp = planGenerationStage(db, p, null);
      const run = runGenerationStage(db, p, cp);
      await waitUntil(() => db.prepare("SELECT 1 FROM dist_shards WHERE stage_id = ? AND state = 'running' AND worker = 'doomed'").get(cp.stageId), 20_000, 'a shard running on the doomed worker');
      await stopWorker(slow, 'SIGKILL');
      rescuer = await startWorker('rescuer', ['--delay-ms', '250'], { queue: 'q-kill' });
      const result = await run;
      expect(queriesOf(db, result.runId)).toEqual(reference);
      expect(db.prepare("SELECT COUNT(*) AS n FROM dist_shards WHERE stage_id = ? AND worker = 'rescuer' AND state = 'done'").get(cp.stageId)).toEqual({ n: 2 });
    } finally {
      await stopWorker(slow, 'SIGKILL');
    }
  });

  it('Redis restarted (empty) mid-run: the stage resumes and completes with the same queries', async () => {
    // Restarted after two shards: with a window of 4, most shards are not even queued yet.
    let restarted: Promise<void> | null = null;
    let doneWhenBack = -1;
    let done = 0;
    const { result, stageId } = await runStage(params({ window: 4 }), {
      onProgress: (d) => {
        done = d;
        if (done >= 2 && !restarted) restarted = redis.restart().then(() => void (doneWhenBack = done));
      },
    });
    expect(restarted).not.toBeNull();
    await restarted;
    expect(doneWhenBack).toBeGreaterThanOrEqual(2);
    expect(doneWhenBack).toBeLessThan(10); // the restart came mid-run
    expect(queriesOf(db, result.runId)).toEqual(reference);
    expect(stageCounts(db, stageId)).toMatchObject({ done: 10, passagesDone: 20 });
  });

  it('a worker with the wrong model gets a clear error and the shard goes to another worker', SEQUENTIAL_STARTS, async () => {
    // Each shard is put back up to 500 times (every ~200 ms) before its error counts as an attempt: the
    // good worker, started once the error shows, has ample time to start on a loaded machine.
    const wrong = await startWorker('wrong', ['--path-map', `${TINY_T5}=${TINY_BERT}`, '--max-deferrals', '500'], { queue: 'q-wrong' });
    let good: ChildProcess | null = null;
    try {
      const p = params({ queue: 'q-wrong', shardSize: 10 }); // 2 shards (the wrong worker puts each back every 200 ms)
      const cp = planGenerationStage(db, p, null);
      const run = runGenerationStage(db, p, cp);
      const conn = redisConnection(redis.url);
      const refused = await waitUntil(async () => (await listWorkers(conn)).find((w) => w.id === 'wrong' && w.lastError), 20_000, 'the wrong worker to report its error');
      expect(refused.lastError).toMatch(/cannot run shard \d+: model tiny-t5: .*tiny-bert did not load as a T5 query generator/);
      good = await startWorker('good', [], { queue: 'q-wrong' });
      const result = await run;
      conn.disconnect();
      expect(queriesOf(db, result.runId)).toEqual(reference);
      expect(shardsPerWorker(db, cp.stageId).map((w) => [w.worker, w.done])).toEqual([['good', 2]]);
    } finally {
      await stopWorker(wrong);
      if (good) await stopWorker(good);
    }
  });

  it('index --workers: the vectors of the in-process build, stored once per passage', async () => {
    const encoder = (await s.impl.models.add({ dir: TINY_BERT, role: 'encoder' })).id;
    const params = { modelId: encoder, rebuild: true, batchSize: 4 };
    await buildIndexForModel(s.dir, db, params);
    const local = loadIndex(s.dir, encoder).index;
    const ids = local.ids().sort((a, b) => a - b);
    const expected = ids.map((id) => Array.from(local.vectorOf(id)));
    {
      const report = await buildIndexOnWorkers(s.dir, db, params, { redisUrl: redis.url, shardSize: 4, resyncMs: 200 });
      expect(report).toMatchObject({ mode: 'full', embedded: 21, passages: 21 });
      const remote = loadIndex(s.dir, encoder).index;
      // Equal up to float rounding (onnxruntime's thread count and the encoder's length batching differ between the runs).
      const maxDiff = Math.max(...ids.flatMap((id, i) => Array.from(remote.vectorOf(id), (v, k) => Math.abs(v - expected[i][k]))));
      expect(maxDiff).toBeLessThan(1e-6);
      const stage = db.prepare("SELECT id FROM dist_stages WHERE kind = 'embed' ORDER BY id DESC").get() as { id: number };
      expect(db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT passage_id) AS d FROM dist_results WHERE stage_id = ? AND vector IS NOT NULL').get(stage.id)).toEqual({ n: 21, d: 21 });
      expect(shardsPerWorker(db, stage.id).reduce((n, w) => n + w.done, 0)).toBe(6);
    }
  });

  it('workers API: a distributed.generation job with status, pause, resume and cancel', SEQUENTIAL_STARTS, async () => {
    // One worker (the kill test's rescuer, 250 ms a shard) on its own queue: of the window of 2, one
    // shard runs and one waits, which pause takes off the queue.
    expect(rescuer).not.toBeNull();
    try {
      const workers = { redisUrl: redis.url, shardSize: 2, resyncMs: 200, window: 2, queue: 'q-kill' };
      const job = await s.impl.workers.startGeneration({ run: { modelId, scope: { kind: 'all' }, settings, threads: 1 }, workers } as never);
      const stageOf = async () => (await s.impl.workers.status({ limit: 1 } as never)).stages[0];
      const first = await waitUntil(async () => {
        const st = await stageOf();
        return st?.jobId === job.id && st.shardsDone >= 2 ? st : null;
      }, 60_000, 'two shards done');
      const paused = await s.impl.workers.pause({ stageId: first.id });
      expect(paused.state).toBe('paused');
      await expect(s.impl.workers.pause({ stageId: first.id })).rejects.toThrow(/is paused/);
      // Running shards finish; nothing new starts while paused (two resyncs for the coordinator to act).
      await new Promise((r) => setTimeout(r, 500));
      await waitUntil(async () => (await stageOf()).shardsRunning === 0, 10_000, 'running shards to finish');
      const held = (await stageOf()).shardsDone;
      await new Promise((r) => setTimeout(r, 1200));
      expect((await stageOf()).shardsDone).toBe(held);
      expect(held).toBeLessThan(10);

      const status = await s.impl.workers.status({} as never);
      expect(status).toMatchObject({ connected: true, redis: `${redis.url}` });
      expect(status.workers.map((w) => w.id)).toContain('rescuer');
      expect(status.stages[0].perWorker.map((w) => w.worker)).toEqual(['rescuer']);

      await s.impl.workers.resume({ stageId: first.id });
      const done = await s.finished(job.id);
      expect(done.state).toBe('done');
      expect(queriesOf(db, (done.result as GenerationResult).runId)).toEqual(reference);
      expect((await stageOf()).state).toBe('done');

      const second = await s.impl.workers.startGeneration({ run: { modelId, scope: { kind: 'all' }, settings, threads: 1 }, workers } as never);
      const running = await waitUntil(async () => {
        const st = await stageOf();
        return st?.jobId === second.id ? st : null;
      }, 20_000, 'the second stage');
      await s.impl.workers.cancel({ stageId: running.id });
      expect((await s.finished(second.id)).state).toBe('cancelled');
      expect((await stageOf()).state).toBe('cancelled');
    } finally {
      await stopWorker(rescuer!);
    }
  });

  it('no worker can load the model: the stage fails with the model error; rerun with a good worker, the failed shards are retried', SEQUENTIAL_STARTS, async () => {
    const wrong = await startWorker('only-wrong', ['--path-map', `${TINY_T5}=${TINY_BERT}`, '--max-deferrals', '1'], { queue: 'q-none' });
    let good: ChildProcess | null = null;
    try {
      const p = params({ shardSize: 10, queue: 'q-none' }); // 2 shards
      const cp = planGenerationStage(db, p, null);
      await expect(runGenerationStage(db, p, cp)).rejects.toThrow(/shard \d+ failed after \d+ attempt\(s\): worker only-wrong cannot run shard \d+: model tiny-t5: .*tiny-bert did not load as a T5 query generator/);
      expect(db.prepare('SELECT state, error FROM dist_stages WHERE id = ?').get(cp.stageId)).toMatchObject({ state: 'failed', error: expect.stringContaining('did not load as a T5 query generator') });
      await stopWorker(wrong);
      good = await startWorker('good-after', [], { queue: 'q-none' });
      const result = await runGenerationStage(db, p, cp);
      expect(queriesOf(db, result.runId)).toEqual(reference);
      expect(db.prepare('SELECT state FROM dist_stages WHERE id = ?').get(cp.stageId)).toEqual({ state: 'done' });
    } finally {
      await stopWorker(wrong);
      if (good) await stopWorker(good);
    }
  });
});
