// Issue 13 item 2: another process holding the write lock longer than busy_timeout (5 s) must
// not kill the process running jobs: heartbeats skip a turn, API writes retry with backoff.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, test } from 'vitest';
import { createServices } from '../../../../src-main/core/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tempDir = useTempDirs('genq-busy-');

/** A child process that takes the write lock, says "locked", and holds it for `ms`. */
function holdWriteLock(dbPath: string, ms: number) {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(dbPath)});
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('busy_test', 'held')").run();
    console.log('locked');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  return { child, locked: once(createInterface({ input: child.stdout! }), 'line'), exited: once(child, 'exit') };
}

describe('a busy database', () => {
  test('a job heartbeating and an API write both outlast a 6.5 s write lock of another process', async () => {
    const root = tempDir();
    const services = await createServices({ mode: 'web', userDataDir: join(root, 'ud'), initialProject: join(root, 'p'), testJobKinds: true });
    try {
      const open = services.projects.require();
      const first = await services.dispatch('jobs', 'start', { kind: 'test.count', params: { steps: 2, delayMs: 3_000 } });
      expect(first.ok).toBe(true);
      const holder = holdWriteLock(open.project.dbPath, 6_500);
      await holder.locked;
      await new Promise((r) => setTimeout(r, 300)); // a heartbeat falls due while the lock is held
      // Without retries this call fails with "database is locked" after busy_timeout.
      const second = await services.dispatch('jobs', 'start', { kind: 'test.count', params: { steps: 1, delayMs: 0 } });
      expect(second).toMatchObject({ ok: true });
      await holder.exited;
      const jobId = (first as { value: { id: number } }).value.id;
      expect(await open.runner.waitFor(jobId)).toMatchObject({ state: 'done', result: { counted: 2 } });
      expect(await open.runner.waitFor((second as { value: { id: number } }).value.id)).toMatchObject({ state: 'done' });
    } finally {
      await services.dispose();
    }
  }, 60_000);
});
