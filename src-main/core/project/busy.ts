// SQLITE_BUSY handling shared by the job runner, the API dispatcher and the import. A writer
// in another process or thread may hold the write lock longer than busy_timeout (a big import
// commit, a bulk curation update); the caller then retries with backoff instead of failing,
// and periodic writes (heartbeats, progress) simply wait for their next turn.

/** SQLITE_BUSY / SQLITE_LOCKED and their extended codes (better-sqlite3 puts them in `code`). */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export interface BusyRetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Wait before the second attempt; doubles each time up to maxDelayMs, with jitter. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each wait, e.g. to log that the database is busy. */
  onRetry?(attempt: number, err: unknown): void;
}

export class DatabaseBusyError extends Error {
  override name = 'DatabaseBusyError';
  constructor(what: string, attempts: number, cause: unknown) {
    super(`${what}: the project database stayed locked by another writer through ${attempts} attempts; try again when the other operation ends`, { cause });
  }
}

/**
 * Runs `fn` (one synchronous write or transaction: a BUSY failure leaves nothing half-done) and
 * retries it on SQLITE_BUSY with exponential backoff, without blocking the event loop between tries.
 */
export async function retryBusy<T>(what: string, fn: () => T | Promise<T>, opts: BusyRetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 8;
  let delay = opts.firstDelayMs ?? 50;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusyError(err)) throw err;
      if (attempt >= attempts) throw new DatabaseBusyError(what, attempts, err);
      opts.onRetry?.(attempt, err);
      await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 2_000);
    }
  }
}
