// kill -9 of the whole process mid-job: the job must come back as interrupted and, resumed,
// finish with every step done exactly once.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { useTempDirs, waitUntil } from '../../../helpers/temp-dir.js';

const tempDir = useTempDirs();
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const childScript = fileURLToPath(new URL('../../../helpers/crash-child.ts', import.meta.url));

function committedSteps(dbPath: string, jobId: number): number[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'test_count_steps'").get()) return [];
    return (db.prepare('SELECT step FROM test_count_steps WHERE job_id = ? ORDER BY rowid').all(jobId) as Array<{ step: number }>).map(
      (r) => r.step,
    );
  } finally {
    db.close();
  }
}

describe('crash and resume', () => {
  it('marks a job interrupted after its process is killed with SIGKILL, then resumes it without repeating steps', async () => {
    const root = tempDir();
    const dir = join(root, 'project');
    const steps = 60;
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, dir, String(steps), join(root, 'user-data')], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const { jobId, pid } = JSON.parse(line) as { jobId: number; pid: number };
      expect(pid).toBe(child.pid);
      const dbPath = join(dir, 'project.sqlite');
      await waitUntil(() => committedSteps(dbPath, jobId).length >= 5, 30_000, 'five committed steps in the child');
      child.kill('SIGKILL');
      const [, signal] = await exited;
      expect(signal).toBe('SIGKILL');
      const before = committedSteps(dbPath, jobId);
      expect(before.length).toBeGreaterThanOrEqual(5);
      expect(before.length).toBeLessThan(steps);

      // Reopen in this process: the dead child's running job is now interrupted.
      const s = await servicesOnNewProject(root);
      try {
        const interrupted = await s.impl.jobs.get({ id: jobId });
        expect(interrupted).toMatchObject({ state: 'interrupted', resumable: true });
        expect(interrupted.progress.done).toBeGreaterThan(0);
        await s.impl.jobs.resume({ id: jobId });
        const end = await s.finished(jobId);
        expect(end).toMatchObject({ state: 'done', result: { counted: steps } });
        const all = committedSteps(dbPath, jobId);
        expect(all).toEqual([...Array(steps).keys()]); // every step exactly once, in order
        const logs = await s.impl.jobs.logs({ id: jobId, limit: 100 });
        expect(logs.map((l) => l.message)).toContain(`Resuming at step ${before.length}`);
      } finally {
        await s.dispose();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
