// Issue 13 item 4 / "one writer at a time": stage locks. A second taker is refused with the
// holder's process and start time; a holder killed with SIGKILL, or whose job has ended, leaves
// a stale lock that the next taker takes over.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { acquireFolderLock, acquireStageLock, withStageLock } from '../../../../src-main/core/project/locks.js';
import { tempProjectDb, type TestDb } from '../../../helpers/project-db.js';

let t: TestDb;
beforeEach(() => (t = tempProjectDb('genq-locks-')));
afterEach(() => t.close());

describe('stage locks', () => {
  test('a second taker is refused with the holder; after release it gets the lock', () => {
    const first = acquireStageLock(t.db, 'generation', 'Query generation (job 1)');
    expect(() => acquireStageLock(t.db, 'generation', 'Query generation (job 2)')).toThrow(
      new RegExp(`^Query generation \\(job 1\\) is already running in process ${process.pid} \\(started \\d{4}-\\d\\d-\\d\\dT`),
    );
    // Other names are independent.
    acquireStageLock(t.db, 'import:abc', 'Import of a.txt').release();
    first.release();
    first.release(); // twice is harmless
    const second = acquireStageLock(t.db, 'generation', 'Query generation (job 2)');
    expect(second.tookOverFrom).toBeNull();
    second.release();
  });

  test('withStageLock releases when the body throws', async () => {
    await expect(withStageLock(t.db, 'generation', 'g', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    acquireStageLock(t.db, 'generation', 'g2').release();
  });

  test('the lock of a process killed with SIGKILL is taken over', async () => {
    const script = `
      const Database = require('better-sqlite3');
      const os = require('node:os');
      const db = new Database(${JSON.stringify(join(t.dir, 'project.sqlite'))});
      db.prepare("INSERT INTO stage_locks (name, owner, pid, host, description, acquired_at) VALUES ('generation', 'x', ?, ?, 'Query generation (job 7)', '2026-01-01T00:00:00Z')").run(process.pid, os.hostname());
      console.log('held');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    await once(createInterface({ input: child.stdout! }), 'line');
    expect(() => acquireStageLock(t.db, 'generation', 'mine')).toThrow(`already running in process ${child.pid}`);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const lock = acquireStageLock(t.db, 'generation', 'mine');
    expect(lock.tookOverFrom).toMatchObject({ pid: child.pid, description: 'Query generation (job 7)' });
    lock.release();
  });

  test("a live process's lock is stale once its job has ended (worker crash)", () => {
    const jobId = Number(t.db.prepare("INSERT INTO jobs (kind, title, params, state) VALUES ('generation.run', 'g', '{}', 'running')").run().lastInsertRowid);
    acquireStageLock(t.db, 'generation', 'Query generation', { jobId }); // never released, as after a crash
    expect(() => acquireStageLock(t.db, 'generation', 'again')).toThrow('already running');
    t.db.prepare("UPDATE jobs SET state = 'failed' WHERE id = ?").run(jobId);
    expect(acquireStageLock(t.db, 'generation', 'again').tookOverFrom).toMatchObject({ pid: process.pid });
  });
});

describe('folder locks (training into one output folder)', () => {
  test('a second taker is refused; a dead holder is taken over; release removes the file only for its owner', async () => {
    const out = join(t.dir, 'out');
    const first = acquireFolderLock(out, 'genq train --output out');
    expect(() => acquireFolderLock(out, 'genq train --output out')).toThrow(`genq train --output out is already running in process ${process.pid}`);
    first.release();
    expect(existsSync(`${out}.genq-lock`)).toBe(false);
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    writeFileSync(`${out}.genq-lock`, JSON.stringify({ owner: 'x', pid: child.pid, host: hostname(), description: 'genq train (other)', acquiredAt: 'then' }));
    expect(() => acquireFolderLock(out, 'mine')).toThrow(`genq train (other) is already running in process ${child.pid}`);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const lock = acquireFolderLock(out, 'mine');
    expect(lock.tookOverFrom).toMatchObject({ pid: child.pid });
    lock.release();
  });
});
