// Redis connections for BullMQ. The URL is what ioredis accepts: redis://[user:password@]host:port[/db]
// or rediss:// for TLS; BullMQ needs maxRetriesPerRequest null on connections that block, and every
// connection retries forever (with a capped delay) so a Redis restart is ridden out, not fatal.
import { Redis, type RedisOptions } from 'ioredis';
import { checkRedisUrl } from './redis-url.js';

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
