// kill -9 of a whole process mid-job, for the crash-resume tests: the fault harness's child
// (test/faults/job-child.mjs, through startStage) opens the project and starts the job; once the job
// has got far enough the child is killed with SIGKILL, so the test can reopen the project and
// resume the interrupted job. Read the database meanwhile with the harness's withDb.
import { expect } from 'vitest';
import type { JobSnapshot } from '../../shared/services/jobs.js';
import { startStage } from '../faults/harness.js';
import type { TestServices } from './services.js';
import { waitUntil } from './temp-dir.js';

export interface KillMidJobOptions<T> {
  /** The project folder (servicesOnNewProject's `dir`). */
  dir: string;
  /** The service whose `start` method takes `params` (through the API dispatcher): 'mining', 'generation', 'training', 'jobs'. */
  service: string;
  params: unknown;
  /** Polled with the job id until truthy: how far the child's job must get before the kill. */
  reached(jobId: number): T;
  timeoutMs: number;
  /** For the timeout message: what `reached` waits for. */
  what: string;
}

/** Starts the job in a child process, waits for `reached`, kills the child -9; the job id and `reached`'s last value. */
export async function killMidJob<T>(opts: KillMidJobOptions<T>): Promise<{ jobId: number; reached: NonNullable<T> }> {
  const stage = startStage(opts.dir, opts.service, 'start', opts.params);
  try {
    const first = await stage.first;
    expect(first.error ?? null, `${opts.service}.start in the child`).toBeNull();
    expect(first.pid).toBe(stage.child.pid);
    const jobId = first.jobId!;
    const reached = await waitUntil(() => opts.reached(jobId), opts.timeoutMs, opts.what);
    await stage.kill();
    expect((await stage.exited)[1]).toBe('SIGKILL'); // killed mid-job, not ended by itself
    return { jobId, reached };
  } finally {
    await stage.kill();
  }
}

/** After killMidJob, in the reopened project: the job is interrupted and resumable; resumes it and returns its end. */
export async function resumeInterrupted(s: TestServices, jobId: number): Promise<JobSnapshot> {
  expect(await s.impl.jobs.get({ id: jobId })).toMatchObject({ state: 'interrupted', resumable: true });
  await s.impl.jobs.resume({ id: jobId });
  return s.finished(jobId);
}
