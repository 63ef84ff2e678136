// npm run bench -- workers
// The distributed queue's own cost, with workers whose compute is a fixed sleep (no model):
// 1. queue overhead per shard: one worker, shards of SHARD passages, each "computed" in SLEEP_MS;
//    (wall time per shard − SLEEP_MS) is what enqueue → BullMQ → worker → results queue →
//    coordinator's SQLite write (3 queries per passage) adds. Peer: the sleep itself.
// 2. throughput with 1, 2, 4 … 32 workers against linear scaling of the 1-worker rate: where the
//    ratio falls, the single coordinator (one results consumer writing SQLite) is the limit.
// 3. that limit measured directly: the coordinator's write of the same results without Redis.
// Everything runs in this process (workers share its event loop with the coordinator), against a
// throwaway Debian redis-server on loopback, so the numbers are a lower bound for real workers.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planGenerationStage, runGenerationStage } from '../src-main/core/distributed/distributed-generation.js';
import { distributedGenerationParamsSchema } from '../src-main/core/distributed/jobs.js';
import type { GeneratedPassage, ShardJob } from '../src-main/core/distributed/protocol.js';
import { ShardWorker } from '../src-main/core/distributed/shard-worker.js';
import { recordShardResult } from '../src-main/core/distributed/shard-store.js';
import { insertQueries } from '../src-main/core/generation/store-queries.js';
import { createProject } from '../src-main/core/project/store.js';

const SHARD = 16;
const SLEEP_MS = Number(process.env.GENQ_BENCH_WORKERS_SLEEP_MS ?? 50);
const WORKER_COUNTS = [1, 2, 4, 8, 16, 32];
const QUERIES_PER_PASSAGE = 3;

const log = (m: string) => process.stderr.write(`[bench workers] ${m}\n`);
const round = (x: number, digits = 3) => Number(x.toPrecision(digits + 2));
const line = (metric: string, ours: number, peer: string, peerValue: number) =>
  console.log(JSON.stringify({ bench: 'workers', metric, ours: round(ours), peer, peer_value: round(peerValue), ratio: round(ours / peerValue) }));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

async function startRedis(port: number) {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => ((out += d), out.includes('Ready to accept') && resolve()));
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  child.stdout!.resume();
  return child;
}

/** What a simulated worker returns for a shard: 3 distinct queries per passage, after the sleep. */
const fakeQueries = (job: ShardJob): GeneratedPassage[] => {
  if (job.kind !== 'generate') throw new Error(`bench workers simulates generation shards only, got a ${job.kind} shard`);
  return job.passages.map((p) => ({ key: p.key, queries: Array.from({ length: QUERIES_PER_PASSAGE }, (_, seq) => ({ seq, text: `query ${seq} for passage ${p.key}` })), duplicates: 0, empty: 0 }));
};

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'genq-bench-workers-'));
  const port = await freePort();
  const redis = await startRedis(port);
  const url = `redis://127.0.0.1:${port}`;
  const project = createProject(join(root, 'p'), { appVersion: 'bench' });
  const db = project.db;
  try {
    const maxShards = 32 * 12;
    const doc = Number(db.prepare("INSERT INTO documents (title, text) VALUES ('bench', 'bench')").run().lastInsertRowid);
    const insert = db.prepare('INSERT INTO passages (document_id, ordinal, text, token_count) VALUES (?, ?, ?, 20)');
    db.transaction(() => {
      for (let i = 0; i < maxShards * SHARD; i++) insert.run(doc, i, `passage ${i} about whales and ships and the sea`);
    })();
    const modelId = Number(db.prepare("INSERT INTO models (name, role, path) VALUES ('simulated', 'generator', '/nonexistent/simulated-t5')").run().lastInsertRowid);
    const simulate = { device: 'simulated', compute: async (job: ShardJob) => (await new Promise((r) => setTimeout(r, SLEEP_MS)), fakeQueries(job)) };

    const stage = async (workers: number, shards: number) => {
      const passageIds = (db.prepare('SELECT id FROM passages ORDER BY id LIMIT ?').pluck().all(shards * SHARD) as number[]);
      const params = distributedGenerationParamsSchema.parse({
        run: { modelId, scope: { kind: 'filter', passageIds }, settings: { numQueries: QUERIES_PER_PASSAGE, batchSize: SHARD / 8 } },
        workers: { redisUrl: url, shardSize: SHARD, window: Math.max(64, workers * 4), resyncMs: 500, queue: `bench-${workers}` },
      });
      const pool = Array.from({ length: workers }, (_, i) => new ShardWorker({ redisUrl: url, queue: `bench-${workers}`, id: `sim-${workers}-${i}`, simulate }));
      await Promise.all(pool.map((w) => w.start()));
      const cp = planGenerationStage(db, params, null);
      const t0 = performance.now();
      const result = await runGenerationStage(db, params, cp);
      const seconds = (performance.now() - t0) / 1000;
      await Promise.all(pool.map((w) => w.close()));
      if (result.passages !== shards * SHARD || result.queries !== shards * SHARD * QUERIES_PER_PASSAGE) throw new Error(`bench stage lost work: ${JSON.stringify(result)}`);
      return { seconds, passagesPerSecond: result.passages / seconds };
    };

    // 1. Overhead per shard with one worker.
    await stage(1, 8); // warm-up (scripts loaded into Redis, statements prepared)
    const one = await stage(1, 64);
    const perShardMs = (one.seconds * 1000) / 64;
    log(`1 worker: ${perShardMs.toFixed(1)} ms per shard of ${SHARD} passages (sleep ${SLEEP_MS} ms)`);
    line('queue_overhead_ms_per_shard', perShardMs - SLEEP_MS, `fixed compute sleep per shard (${SHARD} passages)`, SLEEP_MS);

    // 2. Scaling.
    for (const n of WORKER_COUNTS) {
      const r = n === 1 ? one : await stage(n, Math.min(maxShards, n * 12));
      log(`${n} workers: ${r.passagesPerSecond.toFixed(0)} passages/s`);
      line(`passages_per_s_${n}_workers`, r.passagesPerSecond, `${n} × the 1-worker rate (linear scaling)`, n * one.passagesPerSecond);
    }

    // 3. The coordinator's write rate alone (same transaction per shard, no Redis).
    const params = distributedGenerationParamsSchema.parse({ run: { modelId, scope: { kind: 'all' }, settings: { numQueries: QUERIES_PER_PASSAGE } }, workers: { redisUrl: url, shardSize: SHARD } });
    const cp = planGenerationStage(db, params, null);
    const ids = db.prepare('SELECT id FROM passages ORDER BY id').pluck().all() as number[];
    const write = db.transaction((shard: number, passages: GeneratedPassage[]) =>
      recordShardResult(db, cp.stageId, shard, { worker: 'w', device: 'simulated', seconds: 0, passages }, (p) => void insertQueries(db, cp.runId, [p])),
    );
    const t0 = performance.now();
    for (let s = 0; s * SHARD < ids.length; s++) {
      const job = { passages: ids.slice(s * SHARD, (s + 1) * SHARD).map((key) => ({ key, text: '' })) } as ShardJob;
      write(s, fakeQueries(job));
    }
    const writeRate = ids.length / ((performance.now() - t0) / 1000);
    log(`coordinator writes alone: ${writeRate.toFixed(0)} passages/s`);
    line('coordinator_sqlite_write_passages_per_s', writeRate, `32-worker ideal (${32 * Math.round(one.passagesPerSecond)} passages/s)`, 32 * one.passagesPerSecond);
  } finally {
    project.close();
    redis.kill('SIGKILL');
    await once(redis, 'exit');
    rmSync(root, { recursive: true, force: true });
  }
}
