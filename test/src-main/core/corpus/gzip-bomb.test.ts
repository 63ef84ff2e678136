// Issue 13 item 1: a gzip bomb (or any gzip over --max-file-mb) must stop with its own error in
// bounded time, in the CLI (printed, exit 1, not a silent exit 13) and as a web-mode import job
// (failed cleanly, no write transaction left open, the server still answering).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { checkFile, readAllBytes, type DecodeLimits } from '../../../../src-main/core/corpus/decode.js';
import { runCli } from '../../../helpers/run-cli.js';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { params } from './helpers.js';

const tempDir = useTempDirs('genq-bomb-');

/** 30 MB of one letter: about 30 KB gzipped. */
function writeBomb(dir: string): string {
  const path = join(dir, 'bomb.txt.gz');
  writeFileSync(path, gzipSync(Buffer.alloc(30 * 1024 * 1024, 'a'), { level: 9 }));
  return path;
}

async function readLimited(path: string, limits: DecodeLimits) {
  const { gzip } = await checkFile(path, limits);
  return readAllBytes(path, gzip, limits, { rawBytes: 0 });
}

describe('gzip limits stop the read (they used to hang on a destroyed stream)', () => {
  test('the ratio limit trips with GzipBombError', async () => {
    const bomb = writeBomb(tempDir());
    await expect(readLimited(bomb, { maxFileBytes: 1024 ** 3, maxGzipRatio: 200 })).rejects.toMatchObject({
      name: 'GzipBombError',
      message: expect.stringMatching(/bomb\.txt\.gz: looks like a gzip bomb: .* expanded to over 8\.0 MB/),
    });
  });

  test('the size limit trips with FileTooLargeError', async () => {
    const bomb = writeBomb(tempDir());
    await expect(readLimited(bomb, { maxFileBytes: 2 * 1024 * 1024, maxGzipRatio: 1e6 })).rejects.toMatchObject({
      name: 'FileTooLargeError',
      message: expect.stringContaining('decompresses to more than the 2.0 MB limit'),
    });
  });

  test('truncated gzip is named as such', async () => {
    const dir = tempDir();
    const whole = gzipSync(Buffer.from('hello world\n'.repeat(10_000)));
    const path = join(dir, 'cut.txt.gz');
    writeFileSync(path, whole.subarray(0, whole.length >> 1));
    await expect(readLimited(path, { maxFileBytes: 1024 ** 3, maxGzipRatio: 200 })).rejects.toMatchObject({
      name: 'UnreadableFileError',
      message: expect.stringContaining('cut.txt.gz: is not valid gzip data (it is truncated'),
    });
  });
});

describe('a gzip bomb through the CLI and the web job', () => {
  test('genq import prints the bomb error and exits 1', async () => {
    const root = tempDir();
    const bomb = writeBomb(root);
    const project = join(root, 'p');
    expect((await runCli(['project', 'create', project])).code).toBe(0);
    const res = await runCli(['import', '--project', project, '--on-error', 'abort', bomb]);
    expect(res.stderr).toContain('looks like a gzip bomb');
    expect(res.code).toBe(1);
  }, 60_000);

  test('corpus.startImport: the job fails with the bomb error, the write lock is released, the server answers', async () => {
    const root = tempDir();
    const bomb = writeBomb(root);
    const s = await servicesOnNewProject(root);
    try {
      const job = await s.impl.corpus.startImport(params({ paths: [bomb], onError: 'abort' }));
      const end = await s.finished(job.id);
      expect(end.state).toBe('failed');
      expect(end.error?.message).toContain('looks like a gzip bomb');
      // Another connection can take the write lock at once: the worker left no transaction open.
      const other = new Database(join(s.dir, 'project.sqlite'));
      other.pragma('busy_timeout = 0');
      try {
        other.exec('BEGIN IMMEDIATE; ROLLBACK');
      } finally {
        other.close();
      }
      expect((await s.impl.jobs.list({ limit: 5 })).map((j) => j.id)).toContain(job.id);
    } finally {
      await s.dispose();
    }
  }, 60_000);
});
