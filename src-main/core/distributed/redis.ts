// Redis connections for BullMQ. The URL is what ioredis accepts: redis://[user:password@]host:port[/db]
// or rediss:// for TLS; BullMQ needs maxRetriesPerRequest null on connections that block, and every
// connection retries forever (with a capped delay) so a Redis restart is ridden out, not fatal.
import { Redis, type RedisOptions } from 'ioredis';
import { checkRedisUrl, redactRedisUrl } from './redis-url.js';

export { checkRedisUrl, redactRedisUrl, RedisUrlError } from './redis-url.js';

export function redisConnection(url: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(checkRedisUrl(url), {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 + times * 100, 2000),
    ...extra,
  });
  // Connection drops are retried by retryStrategy; commands still fail visibly. Without a listener
  // ioredis prints every reconnect attempt as an unhandled error.
  redis.on('error', () => undefined);
  return redis;
}

export class RedisConnectError extends Error {
  override name = 'RedisConnectError';
}

/** Resolves once `redis` is ready; a wrong password, TLS mismatch or unreachable host is an error naming it after `timeoutMs`. */
export async function waitUntilReady(redis: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  let last = '';
  const onError = (e: Error) => (last = e.message);
  redis.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve) => redis.once('ready', () => resolve())),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new RedisConnectError(`cannot reach Redis at ${redactRedisUrl(url)} within ${timeoutMs / 1000} s${last ? `: ${last}` : ''}`)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
    redis.off('error', onError);
  }
}
