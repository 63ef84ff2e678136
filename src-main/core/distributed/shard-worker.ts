// `genq worker`: takes shards from the BullMQ queue, runs them with the same functions the
// in-process stages use (generateQueries keyed by passage id, Embedder.embed, scoreMiningShard
// for a mining batch's cross-encoder labels), and posts each
// result to its stage's results queue under the shard's id (a retried shard's second result is a
// no-op there, and the coordinator's write is idempotent anyway). BullMQ's lock + stalled check
// hands the shard of a worker that died (kill -9, lost machine) to another worker. A worker that
// cannot load a shard's model notes itself in the job and puts it back for the others.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { CrossEncoder } from '../curation/cross-encoder.js';
import { scoreMiningShard } from '../mining/mining-shard.js';
import { Embedder } from '../models/embedder.js';
import type { ProviderChoice } from '../models/session.js';
import { QueryGenerator } from '../models/t5/query-generator.js';
import { generateQueries } from '../generation/generate-queries.js';
import { DEFAULT_SHARD_QUEUE, resultsQueueName, shardItems, shardJobSchema, vectorToBase64, type ModelRef, type ShardJob, type ShardResult } from './protocol.js';
import { redisConnection, waitUntilReady } from './redis.js';
import { WorkerRegistry } from './worker-registry.js';
import { ModelUnavailableError, resolveWorkerModel, type PathMap } from './worker-models.js';

export interface ShardWorkerOptions {
  redisUrl: string;
  provider?: ProviderChoice;
  concurrency?: number;
  threads?: number;
  queue?: string;
  pathMaps?: PathMap[];
  hubCacheDir?: string;
  /** Where built ONNX graphs are cached (default: the app cache). */
  graphCacheDir?: string;
  /** BullMQ lock: a shard whose worker stops renewing it for this long is handed to another worker. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  heartbeatMs?: number;
  /** Times a shard is put back for other workers before its model error fails an attempt. */
  maxDeferrals?: number;
  /** Sleep this long in each shard before computing: simulates a slower device (tests, bench/workers.ts). */
  delayMs?: number;
  /** Replaces the model (no load): bench/workers.ts simulates a device whose compute is a fixed sleep. */
  simulate?: { device: string; compute(job: ShardJob): Promise<ShardResult['passages']> };
  id?: string;
  log?(line: string): void;
}

type Loaded = { kind: 'generate'; generator: QueryGenerator } | { kind: 'embed'; embedder: Embedder } | { kind: 'mine'; crossEncoder: CrossEncoder };

const modelKey = (kind: string, ref: ModelRef) => `${kind}\n${ref.path}\n${ref.repo ?? ''}@${ref.revision ?? ''}`;

export class ShardWorker {
  readonly id: string;
  private readonly worker: Worker;
  private readonly registry: WorkerRegistry;
  private readonly results = new Map<string, Queue>();
  private readonly models = new Map<string, Promise<Loaded>>();
  private readonly connection;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly opts: ShardWorkerOptions) {
    this.id = opts.id ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 4)}`;
    this.connection = redisConnection(opts.redisUrl);
    this.registry = new WorkerRegistry(this.connection, {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      provider: opts.provider ?? 'auto',
      concurrency: opts.concurrency ?? 1,
    }, opts.heartbeatMs ?? 2000);
    this.worker = new Worker(opts.queue ?? DEFAULT_SHARD_QUEUE, (job, token) => this.process(job, token), {
      connection: this.connection,
      concurrency: opts.concurrency ?? 1,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: 3,
      autorun: false,
    });
    this.worker.on('error', (e) => this.log(`queue error: ${e.message}`));
    this.worker.on('failed', (job, e) => {
      if (e instanceof DelayedError || e.name === 'DelayedError') return;
      this.registry.shardFailed(e.message);
      this.log(`shard ${job?.id ?? '?'} failed: ${e.message}`);
    });
  }

  private log(line: string) {
    this.opts.log?.(`[worker ${this.id}] ${line}`);
  }

  /** Starts taking shards; resolves once the worker is connected. */
  async start(): Promise<void> {
    try {
      await waitUntilReady(this.connection, this.opts.redisUrl);
    } catch (e) {
      // Stop retrying (a wrong password never heals), so the process can exit with the error.
      this.connection.disconnect();
      await Promise.race([this.worker.close(true).catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
      throw e;
    }
    await this.registry.beat();
    this.heartbeat = setInterval(() => void this.registry.beat().catch(() => undefined), this.opts.heartbeatMs ?? 2000);
    void this.worker.run().catch((e: Error) => this.log(`worker stopped: ${e.message}`));
    await this.worker.waitUntilReady();
    this.log(`taking shards from ${this.opts.queue ?? DEFAULT_SHARD_QUEUE} (provider ${this.opts.provider ?? 'auto'}, concurrency ${this.opts.concurrency ?? 1})`);
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.worker.close();
    await Promise.all([...this.results.values()].map((q) => q.close()));
    await this.registry.remove().catch(() => undefined);
    for (const p of this.models.values()) {
      const m = await p.catch(() => null);
      if (m?.kind === 'generate') await m.generator.release();
      if (m?.kind === 'embed') await m.embedder.release();
      if (m?.kind === 'mine') await m.crossEncoder.release();
    }
    this.connection.disconnect();
  }

  private load(kind: ShardJob['kind'], ref: ModelRef, prefixes?: { query: string; passage: string }): Promise<Loaded> {
    const key = `${modelKey(kind, ref)}\n${JSON.stringify(prefixes ?? null)}`;
    let p = this.models.get(key);
    if (!p) {
      p = (async (): Promise<Loaded> => {
        const dir = resolveWorkerModel(ref, { pathMaps: this.opts.pathMaps, hubCacheDir: this.opts.hubCacheDir });
        const load = { threads: this.opts.threads, provider: this.opts.provider, cacheDir: this.opts.graphCacheDir };
        try {
          if (kind === 'generate') return { kind, generator: await QueryGenerator.load(dir, load) };
          if (kind === 'mine') return { kind, crossEncoder: await CrossEncoder.load(dir, load) };
          return { kind, embedder: await Embedder.load(dir, { ...load, prefixes }) };
        } catch (e) {
          const what = kind === 'generate' ? 'T5 query generator' : kind === 'mine' ? 'cross-encoder' : 'sentence encoder';
          throw new ModelUnavailableError(`model ${ref.name}: ${dir} did not load as a ${what}: ${(e as Error).message}`);
        }
      })();
      this.models.set(key, p);
      p.catch(() => this.models.delete(key)); // a later shard may find it (a pull finished meanwhile)
    }
    return p;
  }

  private resultsQueue(queueKey: string): Queue {
    let q = this.results.get(queueKey);
    if (!q) {
      this.results.set(queueKey, (q = new Queue(resultsQueueName(queueKey), { connection: this.connection })));
      q.on('error', (e) => this.log(`results queue: ${e.message}`));
    }
    return q;
  }

  private async process(job: Job, token?: string): Promise<{ passages: number; seconds: number }> {
    const data = shardJobSchema.parse(job.data);
    const maxDeferrals = this.opts.maxDeferrals ?? 50;
    if (data.refusedBy.includes(this.id) && data.deferrals < maxDeferrals) {
      // This worker already failed to load the model: leave the shard to the others.
      await job.updateData({ ...data, deferrals: data.deferrals + 1 });
      await job.moveToDelayed(Date.now() + 200, token);
      throw new DelayedError();
    }
    if (this.opts.simulate) return this.deliver(data, this.opts.simulate.device, () => this.opts.simulate!.compute(data), job);
    let loaded: Loaded;
    try {
      loaded = await this.load(data.kind, data.model, data.kind === 'embed' ? data.prefixes : undefined);
    } catch (e) {
      const message = `worker ${this.id} cannot run shard ${data.shard}: ${(e as Error).message}`;
      this.log(message);
      this.registry.setError(message);
      await job.log(message);
      if (!(e instanceof ModelUnavailableError) || data.deferrals >= maxDeferrals) throw new ModelUnavailableError(message);
      await job.updateData({ ...data, refusedBy: [...new Set([...data.refusedBy, this.id])], deferrals: data.deferrals + 1 });
      await job.moveToDelayed(Date.now() + 100, token);
      throw new DelayedError();
    }
    const device = loaded.kind === 'generate' ? loaded.generator.model.provider : loaded.kind === 'mine' ? loaded.crossEncoder.provider : loaded.embedder.provider;
    return this.deliver(data, device, async () => {
      if (loaded.kind === 'generate' && data.kind === 'generate') return generateQueries(loaded.generator.model, loaded.generator.tokenizer, data.passages, data.settings);
      if (loaded.kind === 'embed' && data.kind === 'embed') {
        const vectors = await loaded.embedder.embedPassages(data.passages.map((p) => p.text), { batchSize: data.batchSize });
        return data.passages.map((p, i) => ({ key: p.key, vector: vectorToBase64(vectors[i]) }));
      }
      if (loaded.kind === 'mine' && data.kind === 'mine') {
        const rows = await scoreMiningShard(loaded.crossEncoder, data.queries, data.batchSize);
        return rows.map((row) => ({ key: row.queryId, row }));
      }
      throw new Error(`internal: a ${loaded.kind} model for a ${data.kind} shard`);
    }, job);
  }

  /** Computes a shard and posts its result to the stage's results queue. */
  private async deliver(data: ShardJob, device: string, compute: () => Promise<ShardResult['passages']>, job?: Job): Promise<{ passages: number; seconds: number }> {
    const items = shardItems(data);
    this.registry.started();
    try {
      this.registry.sawDevice(device);
      await job?.updateProgress({ worker: this.id, device });
      if (this.opts.delayMs) await new Promise((r) => setTimeout(r, this.opts.delayMs));
      const started = performance.now();
      const passages = await compute();
      const seconds = (performance.now() - started) / 1000;
      const result: ShardResult = { shard: data.shard, worker: this.id, device, seconds, passages };
      // The shard's id as the result's id: a duplicate delivery (this shard retried after a stall) is dropped by BullMQ.
      await this.resultsQueue(data.queueKey).add('result', result, { jobId: `r-${data.shard}`, removeOnComplete: true, removeOnFail: 1000, attempts: 5 });
      this.registry.finished(items, seconds);
      this.log(`${data.kind} shard ${data.shard} (${data.queueKey}): ${items} passages in ${seconds.toFixed(2)} s, ${(items / Math.max(seconds, 1e-6)).toFixed(1)} passages/s on ${device}`);
      return { passages: items, seconds };
    } finally {
      this.registry.stopped();
    }
  }
}
