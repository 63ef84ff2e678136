import { afterEach, describe, expect, it } from 'vitest';
import type { JobLogLine, MetricPoint } from '../../../../shared/services/jobs.js';
import { servicesOnNewProject, type TestServices } from '../../../helpers/services-compiled.js';
import { useTempDirs, waitUntil } from '../../../helpers/temp-dir.js';

const tempDir = useTempDirs();
let services: TestServices | null = null;
afterEach(async () => {
  await services?.dispose();
  services = null;
});

/** Steps test.count committed for the job, in commit order ([] before its table exists). */
function stepsDone(s: TestServices, jobId: number): number[] {
  const db = s.projects.require().project.db;
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'test_count_steps'").get()) return [];
  const rows = db.prepare('SELECT step FROM test_count_steps WHERE job_id = ? ORDER BY rowid').all(jobId) as Array<{ step: number }>;
  return rows.map((r) => r.step);
}

describe('job runner', () => {
  it('runs a job in a worker, streaming throttled progress with rate and ETA, logs and metrics', async () => {
    const s = (services = await servicesOnNewProject(tempDir()));
    const job = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 20, delayMs: 50 } });
    expect(['queued', 'running']).toContain(job.state);
    const done = await s.finished(job.id);
    expect(done).toMatchObject({ state: 'done', result: { counted: 20 }, error: null, resumable: false });
    expect(done.progress).toMatchObject({ done: 20, total: 20, unit: 'steps', etaSeconds: 0 });
    expect(done.finishedAt).not.toBeNull();

    const updates = s.updatesOf(job.id);
    const running = updates.filter((u) => u.state === 'running' && u.progress.done > 0);
    // At most ~5 updates/s (plus the first one), not one per step.
    const seconds = (Date.parse(done.finishedAt!) - Date.parse(done.startedAt!)) / 1000;
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(running.length).toBeLessThanOrEqual(Math.ceil(seconds * 5) + 2);
    expect(running.length).toBeLessThan(20);
    const withRate = running.filter((u) => u.progress.rate != null);
    expect(withRate.length).toBeGreaterThan(0);
    const mid = withRate[withRate.length - 1].progress;
    expect(mid.rate!).toBeGreaterThan(2); // one step per ~50 ms ≈ 20/s, generous for a busy machine
    expect(mid.rate!).toBeLessThan(25);
    expect(mid.etaSeconds!).toBeCloseTo((20 - mid.done) / mid.rate!, 5);
    expect(updates[updates.length - 1].state).toBe('done');
    // Updates are monotone in `done`.
    const dones = updates.map((u) => u.progress.done);
    expect([...dones].sort((a, b) => a - b)).toEqual(dones);

    const metrics = s.messages.filter((m) => m.event === 'onMetric').map((m) => m.payload as MetricPoint);
    expect(metrics).toHaveLength(20);
    expect(metrics[19]).toEqual({ jobId: job.id, runId: null, series: 'count', step: 19, value: 20 });
    const logs = s.messages.filter((m) => m.event === 'onLog').map((m) => m.payload as JobLogLine);
    expect(logs.map((l) => l.message)).toContain('Counted to 20');
    expect((await s.impl.jobs.logs({ id: job.id, limit: 10 })).map((l) => l.message)).toContain('Counted to 20');
    expect(stepsDone(s, job.id)).toEqual([...Array(20).keys()]);
  });

  it('persists metric points when the job names a run', async () => {
    const s = (services = await servicesOnNewProject(tempDir()));
    const db = s.projects.require().project.db;
    const runId = Number(db.prepare("INSERT INTO runs (kind, config) VALUES ('training', '{}')").run().lastInsertRowid);
    const job = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 4, runId } });
    expect((await s.finished(job.id)).state).toBe('done');
    const points = db.prepare('SELECT series, step, value FROM metric_points WHERE run_id = ? ORDER BY step').all(runId);
    expect(points).toEqual([0, 1, 2, 3].map((step) => ({ series: 'count', step, value: step + 1 })));
    const pushed = s.messages.filter((m) => m.event === 'onMetric').map((m) => (m.payload as MetricPoint).runId);
    expect(pushed).toEqual([runId, runId, runId, runId]);
  });

  it('queues heavy jobs of one kind and runs them in order, while light jobs run at once', async () => {
    const s = (services = await servicesOnNewProject(tempDir()));
    const a = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 3, delayMs: 100 } });
    const b = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 3, delayMs: 100 } });
    const c = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 3, delayMs: 100 } });
    const l1 = await s.impl.jobs.start({ kind: 'test.count-light', params: { steps: 3, delayMs: 100 } });
    const l2 = await s.impl.jobs.start({ kind: 'test.count-light', params: { steps: 3, delayMs: 100 } });
    expect(a.state).toBe('running');
    expect(b.state).toBe('queued');
    expect(c.state).toBe('queued');
    expect(l1.state).toBe('running');
    expect(l2.state).toBe('running');
    const [da, db, dc] = await Promise.all([a, b, c].map((j) => s.finished(j.id)));
    await Promise.all([s.finished(l1.id), s.finished(l2.id)]);
    expect([da.state, db.state, dc.state]).toEqual(['done', 'done', 'done']);
    // Each heavy job started only after the previous one finished.
    expect(Date.parse(db.startedAt!)).toBeGreaterThanOrEqual(Date.parse(da.finishedAt!));
    expect(Date.parse(dc.startedAt!)).toBeGreaterThanOrEqual(Date.parse(db.finishedAt!));
    // Never two heavy test.count jobs running at once, as seen through the events.
    const running = new Set<number>();
    for (const m of s.messages.filter((m) => m.event === 'onUpdate')) {
      const u = m.payload as { id: number; kind: string; state: string };
      if (u.kind !== 'test.count') continue;
      if (u.state === 'running') running.add(u.id);
      else running.delete(u.id);
      expect(running.size).toBeLessThanOrEqual(1);
    }
  });

  it('cancels a running job through its signal, keeping its checkpoint for resume', async () => {
    const s = (services = await servicesOnNewProject(tempDir()));
    const job = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 1000, delayMs: 20 } });
    await waitUntil(() => stepsDone(s, job.id).length >= 3, 20_000, 'three steps');
    const t0 = Date.now();
    await s.impl.jobs.cancel({ id: job.id });
    const end = await s.finished(job.id);
    expect(end.state).toBe('cancelled');
    expect(end.resumable).toBe(true);
    expect(Date.now() - t0).toBeLessThan(3_000);
    // The handler stopped on its signal: the hard stop never fired.
    expect((await s.impl.jobs.logs({ id: job.id, limit: 50 })).map((l) => l.message).join('\n')).not.toMatch(/terminated/);
    const before = stepsDone(s, job.id).length;
    expect(before).toBeLessThan(1000);

    await s.impl.jobs.resume({ id: job.id });
    await waitUntil(() => stepsDone(s, job.id).length >= before + 2, 20_000, 'progress after resume');
    await s.impl.jobs.cancel({ id: job.id });
    await s.finished(job.id);
    const steps = stepsDone(s, job.id);
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps).toEqual([...Array(steps.length).keys()]);
  });

  it('terminates a worker that ignores cancel after the grace period', async () => {
    const s = (services = await servicesOnNewProject(tempDir()));
    const job = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 100_000, delayMs: 10, ignoreSignal: true } });
    await waitUntil(() => stepsDone(s, job.id).length >= 2, 20_000, 'two steps');
    const t0 = Date.now();
    await s.impl.jobs.cancel({ id: job.id });
    const end = await s.finished(job.id);
    const waited = Date.now() - t0;
    expect(end.state).toBe('cancelled');
    expect(waited).toBeGreaterThanOrEqual(2_500);
    expect(waited).toBeLessThan(8_000);
    const logs = (await s.impl.jobs.logs({ id: job.id, limit: 50 })).map((l) => l.message);
    expect(logs).toContain('The job did not stop within 3 s of cancel; its worker was terminated.');
    const n = stepsDone(s, job.id).length;
    await new Promise((r) => setTimeout(r, 200));
    expect(stepsDone(s, job.id).length).toBe(n); // the worker is really gone
  });

  it('cancels a queued job without starting it', async () => {
    const s = (services = await servicesOnNewProject(tempDir()));
    const a = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 5, delayMs: 50 } });
    const b = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 5, delayMs: 50 } });
    expect((await s.impl.jobs.cancel({ id: b.id })).state).toBe('cancelled');
    expect((await s.finished(a.id)).state).toBe('done');
    const bEnd = await s.impl.jobs.get({ id: b.id });
    expect(bEnd.state).toBe('cancelled');
    expect(bEnd.startedAt).toBeNull();
  });

  it('marks a job failed with the error name and message when its handler throws', async () => {
    const s = (services = await servicesOnNewProject(tempDir()));
    const job = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 10, delayMs: 0, failAt: 4 } });
    const end = await s.finished(job.id);
    expect(end.state).toBe('failed');
    expect(end.error).toEqual({ name: 'Error', message: 'test.count failed on purpose at step 4' });
    expect(end.resumable).toBe(true);
    expect(stepsDone(s, job.id)).toEqual([0, 1, 2, 3]);
    const logs = await s.impl.jobs.logs({ id: job.id, limit: 50 });
    expect(logs.at(-1)).toMatchObject({ level: 'error', message: 'Error: test.count failed on purpose at step 4' });
  });

  it('marks a job failed when its worker thread dies, and the queue moves on', async () => {
    const s = (services = await servicesOnNewProject(tempDir()));
    const crash = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 10, delayMs: 0, crashAt: 2 } });
    const next = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 2, delayMs: 0 } });
    const end = await s.finished(crash.id);
    expect(end.state).toBe('failed');
    expect(end.error?.name).toBe('WorkerCrashError');
    expect(end.error?.message).toMatch(/exited with code 3 before finishing/);
    expect((await s.finished(next.id)).state).toBe('done');
  });

  it('resumes a failed job from its checkpoint: no step is done twice', async () => {
    const s = (services = await servicesOnNewProject(tempDir()));
    const job = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 8, delayMs: 0, failAt: 5 } });
    expect((await s.finished(job.id)).state).toBe('failed');
    // The same params would fail again at step 5; failing steps are a property of the run,
    // so resume runs with the saved params: the job fails again at the same step, no repeats.
    await s.impl.jobs.resume({ id: job.id });
    const again = await s.finished(job.id);
    expect(again.state).toBe('failed');
    expect(stepsDone(s, job.id)).toEqual([0, 1, 2, 3, 4]);
    const logs = await s.impl.jobs.logs({ id: job.id, limit: 50 });
    expect(logs.map((l) => l.message)).toContain('Resuming at step 5');
    await expect(s.impl.jobs.resume({ id: 9999 })).rejects.toThrow('Job 9999 does not exist in this project.');
  });

  it('refuses to resume a job that is done, and rejects unknown kinds listing the known ones', async () => {
    const s = (services = await servicesOnNewProject(tempDir()));
    const job = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 1 } });
    await s.finished(job.id);
    await expect(s.impl.jobs.resume({ id: job.id })).rejects.toThrow(/Job \d+ is done; only interrupted, failed or cancelled jobs can be resumed/);
    await expect(s.impl.jobs.start({ kind: 'nope', params: {} })).rejects.toThrow(
      /^Unknown job kind "nope"\. Known kinds: .*test\.count, test\.count-light/,
    );
    expect((await s.impl.jobs.kinds({})).filter((k) => k.kind.startsWith('test.'))).toEqual([
      { kind: 'test.count', heavy: true, title: 'Test: count (heavy)' },
      { kind: 'test.count-light', heavy: false, title: 'Test: count (light)' },
      { kind: 'test.onnx-loop', heavy: false, title: 'Test: onnxruntime loop' },
    ]);
  });

  it('leaves jobs of a live process alone, but recovers them once its heartbeat is stale', async () => {
    const s = (services = await servicesOnNewProject(tempDir()));
    const db = s.projects.require().project.db;
    const ppid = process.ppid; // a live process that is not this one
    const insert = db.prepare(
      "INSERT INTO jobs (kind, title, params, state, owner_pid, heartbeat_at) VALUES ('test.count', 't', '{\"steps\":1}', ?, ?, ?)",
    );
    const fresh = Number(insert.run('running', ppid, new Date().toISOString()).lastInsertRowid);
    const stale = Number(insert.run('running', ppid, new Date(Date.now() - 10 * 60_000).toISOString()).lastInsertRowid);
    const dead = Number(insert.run('queued', 2 ** 22 + 12345, null).lastInsertRowid);
    await s.impl.projects.close({});
    await s.impl.projects.open({ dir: s.dir });
    expect((await s.impl.jobs.get({ id: fresh })).state).toBe('running');
    expect((await s.impl.jobs.get({ id: stale })).state).toBe('interrupted');
    expect((await s.impl.jobs.get({ id: dead })).state).toBe('interrupted');
  });

  it('marks running jobs interrupted when the project is closed, and they resume after reopening', async () => {
    const root = tempDir();
    const s = (services = await servicesOnNewProject(root));
    const job = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 1000, delayMs: 10 } });
    const queued = await s.impl.jobs.start({ kind: 'test.count', params: { steps: 3 } });
    await waitUntil(() => stepsDone(s, job.id).length >= 2, 20_000, 'two steps');
    await s.impl.projects.close({});
    await s.impl.projects.open({ dir: s.dir });
    expect((await s.impl.jobs.get({ id: job.id })).state).toBe('interrupted');
    expect((await s.impl.jobs.get({ id: queued.id })).state).toBe('interrupted');
    await s.impl.jobs.resume({ id: queued.id });
    expect((await s.finished(queued.id)).state).toBe('done');
  });
});
