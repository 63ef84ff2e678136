// Redis URLs as ioredis accepts them: redis://[user:password@]host:port[/db], or rediss:// for TLS.
// Apart from redis.ts so that validating a flag does not load ioredis.
export class RedisUrlError extends Error {
  override name = 'RedisUrlError';
}

export function checkRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError(`not a Redis URL: ${url} (expected redis://[user:password@]host:port[/db] or rediss:// for TLS)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new RedisUrlError(`not a Redis URL: ${url} (the scheme must be redis:// or rediss://)`);
  return url;
}

/** The URL with any password replaced, for logs and the project database. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

