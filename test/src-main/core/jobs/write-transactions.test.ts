// A job handler's write transaction runs in the job's worker thread while the main thread keeps
// writing the job's log lines and metrics on its own connection. A deferred transaction (better-
// sqlite3's default BEGIN) that reads first and writes later fails at once with SQLITE_BUSY_SNAPSHOT
// ("database is locked", no busy_timeout wait) when the other connection committed in between: a
// training job failed this way at its final model registration. Job handlers therefore write with
// BEGIN IMMEDIATE (`.immediate()`), which takes the write lock first and waits out busy_timeout.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tempDir = useTempDirs('genq-write-tx-');
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

function twoConnections(): { a: Database.Database; b: Database.Database } {
  const file = join(tempDir(), 'p.sqlite');
  const a = new Database(file);
  a.pragma('journal_mode = WAL');
  a.pragma('busy_timeout = 2000');
  a.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE logs (line TEXT)');
  const b = new Database(file);
  b.pragma('busy_timeout = 2000');
  return { a, b };
}

describe('job write transactions', () => {
  test('a deferred read-then-write transaction fails when another connection commits in between; an immediate one does not', () => {
    const { a, b } = twoConnections();
    const readThenWrite = (afterRead: () => void) => () => {
      a.prepare('SELECT count(*) FROM runs').get();
      afterRead();
      a.prepare('INSERT INTO runs (name) VALUES (?)').run('tuned');
    };
    // Deferred: the other connection's log line lands between the read and the write.
    expect(() => a.transaction(readThenWrite(() => b.prepare('INSERT INTO logs VALUES (?)').run('log')))()).toThrow(
      expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }),
    );
    // Immediate: the log line cannot start until the transaction commits (it would wait; here it is refused at once).
    b.pragma('busy_timeout = 0');
    let logRefused = false;
    a.transaction(readThenWrite(() => {
      try {
        b.prepare('INSERT INTO logs VALUES (?)').run('log');
      } catch (err) {
        logRefused = (err as { code?: string }).code === 'SQLITE_BUSY';
      }
    })).immediate();
    expect(logRefused).toBe(true);
    expect(a.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
    a.close();
    b.close();
  });

  // Every transaction of the code that runs inside job worker threads (and the distributed coordinator, which runs in one) is invoked with .immediate().
  test.each([
    'src-main/core/training/training-job.ts',
    'src-main/core/generation/generation-job.ts',
    'src-main/core/curation/signals-job.ts',
    'src-main/core/mining/mine.ts',
    'src-main/core/eval/run-eval.ts',
    'src-main/core/jobs/test-count-job.ts',
    'src-main/core/distributed/coordinator.ts',
    'src-main/core/distributed/distributed-generation.ts',
    'src-main/core/distributed/distributed-mining.ts',
    'src-main/core/distributed/shard-store.ts',
  ])('%s writes with BEGIN IMMEDIATE', (file) => {
    const source = readFileSync(join(repoRoot, file), 'utf8');
    const transactions = source.match(/\.transaction\(/g)?.length ?? 0;
    const immediate = source.match(/\.immediate\(/g)?.length ?? 0;
    expect(transactions).toBeGreaterThan(0);
    expect(immediate).toBe(transactions);
  });
});
