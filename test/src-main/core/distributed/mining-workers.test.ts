// `genq mine --workers`: the 'mining.run' job with params.workers on two `genq worker` child
// processes gives the in-process run's negatives for the same seed (same queries, candidates,
// retriever flags, ranks and pools; CE scores and margins within 1e-5), a shard delivered twice
// writes nothing the second time, and a worker killed with SIGKILL mid-shard loses nothing (the
// stalled shard is retried by the other worker). Also the Index panel's choice: an 'index.build'
// job with params.workers embeds on the workers and builds the index of the in-process build.
// Four worker processes in all (each ~2 CPU-s to start and load its models): the two-worker pair
// starts alongside the in-process reference run; the kill test's doomed worker is alone on its own
// queue name, and its rescuer (joining after the kill) is the single worker of the index.build test.
import type { ChildProcess } from 'node:child_process';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { miningParamsSchema, type MiningReport } from '../../../../shared/services/mining.js';
import { planMiningStage, runMiningStage, writeMiningResult } from '../../../../src-main/core/distributed/distributed-mining.js';
import { shardsPerWorker, stageCounts } from '../../../../src-main/core/distributed/shard-store.js';
import { buildIndexForModel } from '../../../../src-main/core/index/build-for-model.js';
import { loadIndex } from '../../../../src-main/core/index/index-store.js';
import { servicesOnNewProject, type TestServices } from '../../../helpers/services.js';
import { useTempDirs, waitUntil } from '../../../helpers/temp-dir.js';
import { buildMiningProject, candidatesOf, type CandidateRow, type MiningFixture } from '../mining/mining-fixture.js';
import { RedisServer } from './redis-server.js';
import { startWorkerProcess, stopWorkerProcess } from './worker-process.js';

const tempDir = useTempDirs('genq-distributed-mining-');

interface QueryRow {
  query_id: number;
  positive_id: number;
  ce_positive: number;
  pool: number;
}
const queriesOf = (db: Database.Database, runId: number) => db.prepare('SELECT query_id, positive_id, ce_positive, pool FROM mining_queries WHERE run_id = ? ORDER BY query_id').all(runId) as QueryRow[];

let redis: RedisServer;
let s: TestServices;
let db: Database.Database;
let f: MiningFixture;
let graphCache: string;
let refQueries: QueryRow[];
let refCandidates: CandidateRow[];
let pair: ChildProcess[];
const children: ChildProcess[] = [];
let rescuer: ChildProcess | null = null;

const base = () => ({ retrievers: [{ kind: 'bm25' as const }, { kind: 'model' as const, modelId: f.encoderId }], crossEncoderId: f.crossEncoderId, k: 8, negativesPerQuery: 3, seed: 11, batchSize: 8, threads: 1, queriesPerBatch: 6 });

const worker = (id: string, extra: string[] = []) => startWorkerProcess({ redisUrl: redis.url, id, graphCache, extra, started: (c) => children.push(c) });
const KILL_QUEUE = 'q-mine-kill';

/** The run equals the in-process reference: same rows; scores and margins equal up to float noise. */
function expectSameAsReference(runId: number) {
  const qs = queriesOf(db, runId);
  expect(qs.map(({ ce_positive: _, ...r }) => r)).toEqual(refQueries.map(({ ce_positive: _, ...r }) => r));
  qs.forEach((q, i) => expect(Math.abs(q.ce_positive - refQueries[i].ce_positive)).toBeLessThan(1e-5));
  const cs = candidatesOf(db, runId);
  expect(cs.map(({ ce_score: _a, margin: _b, ...r }) => r)).toEqual(refCandidates.map(({ ce_score: _a, margin: _b, ...r }) => r));
  cs.forEach((c, i) => {
    expect(Math.abs(c.ce_score - refCandidates[i].ce_score)).toBeLessThan(1e-5);
    expect(Math.abs(c.margin - refCandidates[i].margin)).toBeLessThan(1e-5);
  });
}

beforeAll(async () => {
  redis = await RedisServer.start();
  graphCache = tempDir();
  s = await servicesOnNewProject(tempDir());
  db = s.projects.require().project.db;
  f = await buildMiningProject(s, db, { passages: 24, queriesPerPassage: 2 });
  const starting = Promise.all(['m1', 'm2'].map((id) => worker(id, ['--delay-ms', '100'])));
  starting.catch(() => undefined); // awaited below
  const job = await s.impl.mining.start(base());
  const end = await s.finished(job.id);
  expect(end.state, JSON.stringify(end.error)).toBe('done');
  const runId = (end.result as MiningReport).runId;
  refQueries = queriesOf(db, runId);
  refCandidates = candidatesOf(db, runId);
  expect(refQueries.length).toBeGreaterThan(30);
  expect(refCandidates.length).toBeGreaterThan(refQueries.length * 2);
  pair = await starting;
});

afterAll(async () => {
  for (const c of children) await stopWorkerProcess(c, 'SIGKILL');
  await s?.dispose();
  await redis?.stop();
});

describe('mining on workers', () => {
  it('two workers: the negatives and margins of the in-process run with the same seed', { timeout: 180_000 }, async () => {
    try {
      const job = await s.impl.mining.start({ ...base(), workers: { redisUrl: redis.url, resyncMs: 200 } });
      expect(job.title).toContain(`on workers (${redis.url})`);
      const end = await s.finished(job.id);
      expect(end.state, JSON.stringify(end.error)).toBe('done');
      const report = end.result as MiningReport;
      expectSameAsReference(report.runId);
      expect(report).toMatchObject({ queries: refQueries.length, triplets: refCandidates.length, dropped: 0 });
      const stage = db.prepare("SELECT id FROM dist_stages WHERE kind = 'mine' ORDER BY id DESC").get() as { id: number };
      const shards = Math.ceil(refQueries.length / 6);
      expect(stageCounts(db, stage.id)).toMatchObject({ total: shards, done: shards, failed: 0, passagesDone: refQueries.length });
      const perWorker = shardsPerWorker(db, stage.id);
      expect(perWorker.reduce((n, w) => n + w.done, 0)).toBe(shards);
      expect(perWorker.every((w) => ['m1', 'm2'].includes(w.worker) && w.device === 'cpu')).toBe(true);
    } finally {
      for (const w of pair) await stopWorkerProcess(w);
    }
  });

  it('a shard delivered twice: its queries are written once, the second delivery changes nothing', () => {
    const params = miningParamsSchema.parse({ ...base(), workers: { redisUrl: redis.url } });
    const cp = planMiningStage(db, params, null);
    const [q0, q1] = refQueries;
    const negs = (qid: number, shift: number) => refCandidates.filter((c) => c.query_id === qid).map((c) => ({ passageId: c.passage_id, foundBy: c.found_by, ranks: JSON.parse(c.ranks) as Array<number | null>, ceScore: c.ce_score + shift }));
    const delivery = (shift: number) => ({
      shard: 0,
      worker: 'x',
      device: 'cpu',
      seconds: 0.1,
      passages: [q0, q1].map((q) => ({ key: q.query_id, row: { queryId: q.query_id, positiveId: q.positive_id, cePositive: q.ce_positive, pool: q.pool, negatives: negs(q.query_id, shift) } })),
    });
    const write = (shift: number) => db.transaction(() => writeMiningResult(db, cp, delivery(shift)))();
    expect(write(0)).toBe(2);
    expect(write(5)).toBe(0); // a retried shard's result (other float noise here) is not written again
    expect(queriesOf(db, cp.runId)).toEqual([q0, q1]);
    expect(candidatesOf(db, cp.runId)).toEqual(refCandidates.filter((c) => c.query_id === q0.query_id || c.query_id === q1.query_id));
  });

  // Two worker start-ups (tsx) dominate; on a loaded machine they alone can pass the default 60 s.
  it('kill -9 of a worker mid-shard: the stalled shard is retried by the other worker, nothing lost or duplicated', { timeout: 180_000 }, async () => {
    const doomed = await worker('doomed', ['--delay-ms', '5000', '--queue', KILL_QUEUE]);
    try {
      const params = miningParamsSchema.parse({ ...base(), workers: { redisUrl: redis.url, resyncMs: 200, queue: KILL_QUEUE } });
      const cp = planMiningStage(db, params, null);
      const run = runMiningStage(db, s.dir, params, cp);
      await waitUntil(() => db.prepare("SELECT 1 FROM dist_shards WHERE stage_id = ? AND state = 'running' AND worker = 'doomed'").get(cp.stageId), 20_000, 'a shard running on the doomed worker');
      await stopWorkerProcess(doomed, 'SIGKILL');
      rescuer = await worker('rescuer', ['--queue', KILL_QUEUE]);
      const report = await run;
      expectSameAsReference(report.runId);
      const shards = Math.ceil(refQueries.length / 6);
      expect(db.prepare("SELECT COUNT(*) AS n FROM dist_shards WHERE stage_id = ? AND worker = 'rescuer' AND state = 'done'").get(cp.stageId)).toEqual({ n: shards });
      expect(db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT passage_id) AS d FROM dist_results WHERE stage_id = ?').get(cp.stageId)).toEqual({ n: refQueries.length, d: refQueries.length });
    } finally {
      await stopWorkerProcess(doomed, 'SIGKILL');
    }
  });

  it('index.build job with workers (Index panel): the vectors of the in-process build', async () => {
    const params = { modelId: f.encoderId, rebuild: true, batchSize: 4 };
    await buildIndexForModel(s.dir, db, params);
    const local = loadIndex(s.dir, f.encoderId).index;
    const ids = local.ids().sort((a, b) => a - b);
    const expected = ids.map((id) => Array.from(local.vectorOf(id)));
    expect(rescuer).not.toBeNull(); // the kill test's rescuer, alone on its queue
    try {
      const job = await s.impl.search.buildIndex({ ...params, workers: { redisUrl: redis.url, shardSize: 8, resyncMs: 200, queue: KILL_QUEUE } });
      expect(job.title).toContain('on workers');
      const end = await s.finished(job.id);
      expect(end.state, JSON.stringify(end.error)).toBe('done');
      const remote = loadIndex(s.dir, f.encoderId).index;
      expect(remote.ids().sort((a, b) => a - b)).toEqual(ids);
      const maxDiff = Math.max(...ids.flatMap((id, i) => Array.from(remote.vectorOf(id), (v, k) => Math.abs(v - expected[i][k]))));
      expect(maxDiff).toBeLessThan(1e-6);
      const stage = db.prepare("SELECT id, job_id FROM dist_stages WHERE kind = 'embed' ORDER BY id DESC").get() as { id: number; job_id: number };
      expect(stage.job_id).toBe(job.id);
      expect(shardsPerWorker(db, stage.id).map((x) => x.worker)).toEqual(['rescuer']);
    } finally {
      await stopWorkerProcess(rescuer!);
    }
  });
});
