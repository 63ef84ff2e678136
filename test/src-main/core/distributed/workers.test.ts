// Distributed generation over Redis/BullMQ with `genq worker` child processes on the tiny-t5
// fixture: three workers give exactly the queries of the in-process job with the same seed; a
// worker killed with SIGKILL mid-shard loses nothing (the stalled shard is retried elsewhere) and
// duplicates nothing; a Redis restart (empty, no persistence) mid-run is ridden out; a worker that
// cannot load the shard's model reports a clear error and the shard goes to another worker.
// Slow-ish (child processes + redis-server): ~60 s on the 2-core machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
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
import { buildIndexForModel } from '../../../../src-main/core/index/build-for-model.js';
import { loadIndex } from '../../../../src-main/core/index/index-store.js';
import { buildIndexOnWorkers } from '../../../../src-main/core/distributed/distributed-index.js';
import { genqNodeArgs } from '../../../helpers/genq-entry.js';

const tempDir = useTempDirs('genq-distributed-');
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const TINY_BERT = join(FIXTURES, 'tiny-bert');
const LOCK_MS = 1000;

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
const children: ChildProcess[] = [];

async function startWorker(id: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...genqNodeArgs(), 'worker', '--redis', redis.url, '--threads', '1', '--lock-ms', String(LOCK_MS), '--id', id, ...extra], {
    cwd: repoRoot,
    env: { ...process.env, GENQ_CACHE: graphCache },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) if (line.includes('"ready":true')) break;
  return child;
}

async function stopWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  await once(child, 'exit');
}

const params = (extra: Record<string, unknown> = {}) =>
  distributedGenerationParamsSchema.parse({ run: { modelId, scope: { kind: 'all' }, settings, threads: 1 }, workers: { redisUrl: redis.url, shardSize: 4, resyncMs: 200, ...extra } });

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
  insertPassages(db, 41); // 40 in scope (the last is a duplicate) → 10 shards of 4
  modelId = (await s.impl.models.add({ dir: TINY_T5, role: 'generator' })).id;
  const job = await s.impl.generation.start({ modelId, scope: { kind: 'all' }, settings, threads: 1 } as never);
  const done = await s.finished(job.id);
  expect(done.state).toBe('done');
  reference = queriesOf(db, (done.result as GenerationResult).runId);
  expect(reference.length).toBeGreaterThan(60);
});

afterAll(async () => {
  for (const c of children) await stopWorker(c, 'SIGKILL');
  await s?.dispose();
  await redis?.stop();
});

describe('distributed generation', () => {
  it('three workers: the same queries as the in-process run with the same seed, shards spread over the workers', async () => {
    const workers = await Promise.all(['w1', 'w2', 'w3'].map((id) => startWorker(id, ['--delay-ms', '50'])));
    try {
      const { result, stageId } = await runStage();
      expect(queriesOf(db, result.runId)).toEqual(reference);
      expect(result.queries).toBe(reference.length);
      expect(stageCounts(db, stageId)).toMatchObject({ total: 10, done: 10, failed: 0, passagesDone: 40 });
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
      expect(listed.map((w) => w.id)).toEqual(['w1', 'w2', 'w3']);
      expect(listed.every((w) => w.devices.includes('cpu') || w.shardsDone === 0)).toBe(true);
    } finally {
      for (const w of workers) await stopWorker(w);
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

  it('kill -9 of a worker mid-shard: the stalled shard is retried by another worker, nothing lost or duplicated', async () => {
    const slow = await startWorker('doomed', ['--delay-ms', '5000']);
    let rescuer: ChildProcess | null = null;
    try {
      const p = params();
      const cp = planGenerationStage(db, p, null);
      const run = runGenerationStage(db, p, cp);
      await waitUntil(() => db.prepare("SELECT 1 FROM dist_shards WHERE stage_id = ? AND state = 'running' AND worker = 'doomed'").get(cp.stageId), 20_000, 'a shard running on the doomed worker');
      await stopWorker(slow, 'SIGKILL');
      rescuer = await startWorker('rescuer');
      const result = await run;
      expect(queriesOf(db, result.runId)).toEqual(reference);
      expect(db.prepare("SELECT COUNT(*) AS n FROM dist_shards WHERE stage_id = ? AND worker = 'rescuer' AND state = 'done'").get(cp.stageId)).toEqual({ n: 10 });
    } finally {
      await stopWorker(slow, 'SIGKILL');
      if (rescuer) await stopWorker(rescuer);
    }
  });

  it('Redis restarted (empty) mid-run: the stage resumes and completes with the same queries', async () => {
    const workers = await Promise.all(['r1', 'r2'].map((id) => startWorker(id, ['--delay-ms', '300'])));
    try {
      let restarted: Promise<void> | null = null;
      const { result, stageId } = await runStage(params({ window: 4 }), {
        onProgress: (done) => {
          if (done >= 8 && !restarted) restarted = redis.restart();
        },
      });
      expect(restarted).not.toBeNull();
      expect(queriesOf(db, result.runId)).toEqual(reference);
      expect(stageCounts(db, stageId)).toMatchObject({ done: 10, passagesDone: 40 });
    } finally {
      for (const w of workers) await stopWorker(w);
    }
  });

  it('a worker with the wrong model gets a clear error and the shard goes to another worker', async () => {
    const wrong = await startWorker('wrong', ['--path-map', `${TINY_T5}=${TINY_BERT}`]);
    let good: ChildProcess | null = null;
    try {
      const p = params();
      const cp = planGenerationStage(db, p, null);
      const run = runGenerationStage(db, p, cp);
      const conn = redisConnection(redis.url);
      const refused = await waitUntil(async () => (await listWorkers(conn)).find((w) => w.id === 'wrong' && w.lastError), 20_000, 'the wrong worker to report its error');
      expect(refused.lastError).toMatch(/cannot run shard \d+: model tiny-t5: .*tiny-bert did not load as a T5 query generator/);
      good = await startWorker('good');
      const result = await run;
      conn.disconnect();
      expect(queriesOf(db, result.runId)).toEqual(reference);
      expect(shardsPerWorker(db, cp.stageId).map((w) => [w.worker, w.done])).toEqual([['good', 10]]);
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
    const workers = await Promise.all(['e1', 'e2'].map((id) => startWorker(id)));
    try {
      const report = await buildIndexOnWorkers(s.dir, db, params, { redisUrl: redis.url, shardSize: 8, resyncMs: 200 });
      expect(report).toMatchObject({ mode: 'full', embedded: 41, passages: 41 });
      const remote = loadIndex(s.dir, encoder).index;
      // Equal up to float rounding (onnxruntime's thread count and the encoder's length batching differ between the runs).
      const maxDiff = Math.max(...ids.flatMap((id, i) => Array.from(remote.vectorOf(id), (v, k) => Math.abs(v - expected[i][k]))));
      expect(maxDiff).toBeLessThan(1e-6);
      const stage = db.prepare("SELECT id FROM dist_stages WHERE kind = 'embed' ORDER BY id DESC").get() as { id: number };
      expect(db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT passage_id) AS d FROM dist_results WHERE stage_id = ? AND vector IS NOT NULL').get(stage.id)).toEqual({ n: 41, d: 41 });
      expect(shardsPerWorker(db, stage.id).reduce((n, w) => n + w.done, 0)).toBe(6);
    } finally {
      for (const w of workers) await stopWorker(w);
    }
  });

  it('workers API: a distributed.generation job with status, pause, resume and cancel', async () => {
    const worker = await startWorker('api', ['--delay-ms', '250']);
    try {
      const workers = { redisUrl: redis.url, shardSize: 4, resyncMs: 200, window: 2 };
      const job = await s.impl.workers.startGeneration({ run: { modelId, scope: { kind: 'all' }, settings, threads: 1 }, workers } as never);
      const stageOf = async () => (await s.impl.workers.status({ limit: 1 } as never)).stages[0];
      const first = await waitUntil(async () => {
        const st = await stageOf();
        return st?.jobId === job.id && st.shardsDone >= 2 ? st : null;
      }, 20_000, 'two shards done');
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
      expect(status.workers.map((w) => w.id)).toContain('api');
      expect(status.stages[0].perWorker.map((w) => w.worker)).toEqual(['api']);

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
      await stopWorker(worker);
    }
  });

  it('no worker can load the model: the stage fails with the model error; rerun with a good worker, the failed shards are retried', async () => {
    const wrong = await startWorker('only-wrong', ['--path-map', `${TINY_T5}=${TINY_BERT}`, '--max-deferrals', '1']);
    let good: ChildProcess | null = null;
    try {
      const p = params({ shardSize: 20 }); // 2 shards
      const cp = planGenerationStage(db, p, null);
      await expect(runGenerationStage(db, p, cp)).rejects.toThrow(/shard \d+ failed after \d+ attempt\(s\): worker only-wrong cannot run shard \d+: model tiny-t5: .*tiny-bert did not load as a T5 query generator/);
      expect(db.prepare('SELECT state, error FROM dist_stages WHERE id = ?').get(cp.stageId)).toMatchObject({ state: 'failed', error: expect.stringContaining('did not load as a T5 query generator') });
      await stopWorker(wrong);
      good = await startWorker('good-after');
      const result = await runGenerationStage(db, p, cp);
      expect(queriesOf(db, result.runId)).toEqual(reference);
      expect(db.prepare('SELECT state FROM dist_stages WHERE id = ?').get(cp.stageId)).toEqual({ state: 'done' });
    } finally {
      await stopWorker(wrong);
      if (good) await stopWorker(good);
    }
  });
});
