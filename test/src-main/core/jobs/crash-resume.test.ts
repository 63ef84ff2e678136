// kill -9 of the whole process mid-job: the job must come back as interrupted and, resumed,
// finish with every step done exactly once.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { withDb } from '../../../faults/harness.js';
import { killMidJob } from '../../../helpers/kill-mid-job.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tempDir = useTempDirs();

function committedSteps(dir: string, jobId: number): number[] {
  return withDb(dir, (db) => {
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'test_count_steps'").get()) return [];
    return (db.prepare('SELECT step FROM test_count_steps WHERE job_id = ? ORDER BY rowid').all(jobId) as Array<{ step: number }>).map((r) => r.step);
  });
}

describe('crash and resume', () => {
  it('marks a job interrupted after its process is killed with SIGKILL, then resumes it without repeating steps', async () => {
    const root = tempDir();
    const dir = join(root, 'project');
    const steps = 60;
    const { jobId } = await killMidJob({
      dir,
      service: 'jobs',
      params: { kind: 'test.count', params: { steps, delayMs: 40 } },
      reached: (id) => committedSteps(dir, id).length >= 5,
      timeoutMs: 30_000,
      what: 'five committed steps in the child',
    });
    const before = committedSteps(dir, jobId);
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
      const all = committedSteps(dir, jobId);
      expect(all).toEqual([...Array(steps).keys()]); // every step exactly once, in order
      const logs = await s.impl.jobs.logs({ id: jobId, limit: 100 });
      expect(logs.map((l) => l.message)).toContain(`Resuming at step ${before.length}`);
    } finally {
      await s.dispose();
    }
  });
});
