// Connected workers, as Redis keys with a time-to-live: each worker rewrites its own
// `genq:worker:<id>` (JSON WorkerInfo) every heartbeat; a worker that stops beating (killed, lost
// network) expires after TTL_BEATS heartbeats. The coordinator and the Workers panel list them.
import type { Redis } from 'ioredis';
import type { WorkerInfo } from './protocol.js';

const KEY_PREFIX = 'genq:worker:';
const SET_KEY = 'genq:workers';
/** Heartbeats a worker may miss before it is listed as gone. */
const TTL_BEATS = 3;
/** Weight of the latest shard in the throughput's moving average. */
const EMA = 0.3;

export class WorkerRegistry {
  private readonly info: WorkerInfo;

  constructor(
    private readonly redis: Redis,
    who: Pick<WorkerInfo, 'id' | 'host' | 'pid' | 'provider' | 'concurrency'>,
    private readonly heartbeatMs = 2000,
  ) {
    const now = new Date().toISOString();
    this.info = { ...who, devices: [], running: 0, shardsDone: 0, shardsFailed: 0, passagesDone: 0, passagesPerSecond: 0, lastError: null, startedAt: now, lastSeen: now };
  }

  async beat(): Promise<void> {
    this.info.lastSeen = new Date().toISOString();
    await this.redis.multi().set(KEY_PREFIX + this.info.id, JSON.stringify(this.info), 'PX', this.heartbeatMs * TTL_BEATS).sadd(SET_KEY, this.info.id).exec();
  }

  async remove(): Promise<void> {
    await this.redis.multi().del(KEY_PREFIX + this.info.id).srem(SET_KEY, this.info.id).exec();
  }

  sawDevice(device: string) {
    if (!this.info.devices.includes(device)) this.info.devices.push(device);
  }
  started() {
    this.info.running++;
  }
  stopped() {
    this.info.running--;
  }
  finished(passages: number, seconds: number) {
    this.info.shardsDone++;
    this.info.passagesDone += passages;
    const rate = passages / Math.max(seconds, 1e-6);
    this.info.passagesPerSecond = this.info.shardsDone === 1 ? rate : EMA * rate + (1 - EMA) * this.info.passagesPerSecond;
  }
  shardFailed(message: string) {
    this.info.shardsFailed++;
    this.info.lastError = message;
  }
  setError(message: string) {
    this.info.lastError = message;
  }
}

/** Workers whose heartbeat has not expired (and forgets the ones that have). */
export async function listWorkers(redis: Redis): Promise<WorkerInfo[]> {
  const ids = await redis.smembers(SET_KEY);
  if (ids.length === 0) return [];
  const values = await redis.mget(...ids.map((id) => KEY_PREFIX + id));
  const gone = ids.filter((_, i) => values[i] === null);
  if (gone.length) await redis.srem(SET_KEY, ...gone);
  return values.flatMap((v) => (v ? [JSON.parse(v) as WorkerInfo] : [])).sort((a, b) => a.id.localeCompare(b.id));
}
