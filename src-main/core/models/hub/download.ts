// One file from the Hub into the cache's blobs/: streamed into <blob>.incomplete, resumed with an
// HTTP Range request after an interruption (in this run or a crashed earlier one), retried with
// backoff on network errors, and verified against the Hub's metadata (size, and the sha256 of LFS
// files or the git blob sha1 of small files) before it is renamed into place.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, openSync, closeSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { HubAbortedError, HubDownloadError, HubError, HubIntegrityError } from './errors.js';
import type { RepoFile } from './select.js';

export interface BlobDownloadOptions {
  /** Opens the file on the Hub; slice(n).stream() must continue at byte n. */
  open(): Promise<Blob>;
  signal?: AbortSignal;
  /** Called with the bytes added to the file since the last call (negative when a bad partial file is dropped). */
  onBytes?(delta: number): void;
  onRetry?(attempt: number, error: Error): void;
  /** Attempts after the first one. */
  retries?: number;
  /** Milliseconds before the first retry; doubled each time. */
  backoffMs?: number;
}

/** The hash a file is checked against: sha256 of the content for LFS files, the git blob sha1 otherwise. */
export function expectedDigest(file: RepoFile): { algorithm: 'sha256' | 'git-sha1'; hex: string } {
  return file.lfs ? { algorithm: 'sha256', hex: file.lfs.oid } : { algorithm: 'git-sha1', hex: file.oid };
}

function newHasher(file: RepoFile): Hash {
  const h = createHash(file.lfs ? 'sha256' : 'sha1');
  // git hashes "blob <size>\0" followed by the content.
  if (!file.lfs) h.update(`blob ${file.size}\0`);
  return h;
}

/** Downloads `file` to `target` (a blob path) unless it is already there; returns the bytes fetched. */
export async function downloadBlob(file: RepoFile, target: string, opts: BlobDownloadOptions): Promise<number> {
  if (existsSync(target) && statSync(target).size === file.size) return 0;
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.incomplete`;
  const retries = opts.retries ?? 5;
  const fetched = { bytes: 0 };
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(opts.signal, file);
    try {
      await fetchInto(file, partial, opts, fetched);
      break;
    } catch (err) {
      if (isAbort(err, opts.signal)) throw new HubAbortedError(`${file.path}: download cancelled`);
      // Errors that name a cause the user must fix (401, 404, …) are not retried.
      const retriable = !(err instanceof HubError) || err instanceof HubDownloadError || err.name === 'RangeIgnoredError';
      if (err instanceof Error && err.name === 'RangeIgnoredError') dropPartial(partial, opts);
      if (!retriable || attempt >= retries) {
        if (!retriable) throw err;
        throw new HubDownloadError(`${file.path}: download failed after ${attempt + 1} attempts: ${(err as Error).message}`, { cause: err });
      }
      opts.onRetry?.(attempt + 1, err as Error);
      await sleep((opts.backoffMs ?? 500) * 2 ** attempt, opts.signal);
    }
  }
  await verify(file, partial, opts);
  renameSync(partial, target);
  return fetched.bytes;
}

/** Appends the missing tail of the file to `partial`, counting the bytes received (also of failed attempts) in `fetched`. */
async function fetchInto(file: RepoFile, partial: string, opts: BlobDownloadOptions, fetched: { bytes: number }): Promise<void> {
  let have = existsSync(partial) ? statSync(partial).size : 0;
  if (have > file.size) {
    dropPartial(partial, opts);
    have = 0;
  }
  if (have === file.size) return;
  const blob = await opts.open();
  if (blob.size !== file.size) {
    throw new HubIntegrityError(`${file.path}: the Hub lists ${file.size} bytes but serves ${blob.size}`);
  }
  const fd = openSync(partial, 'a');
  let written = 0;
  try {
    const reader = blob.slice(have).stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      writeSync(fd, value);
      written += value.byteLength;
      fetched.bytes += value.byteLength;
      opts.onBytes?.(value.byteLength);
    }
  } catch (err) {
    // WebBlob.stream() aborts with a bare message string; make it an Error for retries/logs.
    throw err instanceof Error ? err : new HubDownloadError(`${file.path}: ${String(err)}`);
  } finally {
    closeSync(fd);
  }
  if (have + written !== file.size) {
    throw new HubDownloadError(`${file.path}: connection ended after ${have + written} of ${file.size} bytes`);
  }
}

/** Hashes the finished partial file; a mismatch deletes it so that the next try starts over. */
async function verify(file: RepoFile, partial: string, opts: BlobDownloadOptions): Promise<void> {
  const size = statSync(partial).size;
  const expected = expectedDigest(file);
  const hasher = newHasher(file);
  for await (const chunk of createReadStream(partial)) hasher.update(chunk as Buffer);
  const actual = hasher.digest('hex');
  if (size !== file.size || actual !== expected.hex) {
    dropPartial(partial, opts);
    throw new HubIntegrityError(
      `${file.path}: downloaded file does not match the Hub's metadata (size ${size}, expected ${file.size}; ${expected.algorithm} ${actual}, expected ${expected.hex}); it was deleted, try again`,
    );
  }
}

function dropPartial(partial: string, opts: BlobDownloadOptions): void {
  if (!existsSync(partial)) return;
  opts.onBytes?.(-statSync(partial).size);
  rmSync(partial, { force: true });
}

function throwIfAborted(signal: AbortSignal | undefined, file: RepoFile): void {
  if (signal?.aborted) throw new HubAbortedError(`${file.path}: download cancelled`);
}

function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (err instanceof Error && err.name === 'AbortError');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
