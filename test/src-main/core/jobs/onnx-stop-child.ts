// Child process for onnx-stop.test.ts: a job runner whose job runs onnxruntime back to back is
// stopped `rounds` times (the runner's hard stop: cancel with no grace, then dispose). Exits 0
// when the process survived them all; an unsafe terminate aborts it (exit 134 / SIGABRT).
//   node --import tsx onnx-stop-child.ts <projectDir> <model.onnx> <rounds>
import type { JobSnapshot } from '../../../../shared/services/jobs.js';
import { createProject } from '../../../../src-main/core/project/store.js';
import { EventBus } from '../../../../src-main/core/api/events.js';
import { JobKindRegistry } from '../../../../src-main/core/jobs/registry.js';
import { JobRunner } from '../../../../src-main/core/jobs/runner.js';
import { testJobKinds } from '../../../../src-main/core/jobs/test-kinds.js';

const [dir, model, roundsArg] = process.argv.slice(2);
const project = createProject(dir, { appVersion: 'test' });
const events = new EventBus();
const registry = new JobKindRegistry().register(...testJobKinds);
const runner = new JobRunner({ projectDir: project.dir, dbPath: project.dbPath, db: project.db, registry, events: events as never, cancelGraceMs: 0, updateIntervalMs: 0 });

/** Resolves once the job has reported `runs` finished onnxruntime runs (the next one is in flight). */
const waiting = new Map<number, { runs: number; resolve: () => void }>();
events.subscribe((m) => {
  if (m.service !== 'jobs' || m.event !== 'onUpdate') return;
  const snap = m.payload as JobSnapshot;
  const w = waiting.get(snap.id);
  if (w && snap.progress.done >= w.runs) {
    waiting.delete(snap.id);
    w.resolve();
  }
});
function afterRuns(id: number, runs: number): Promise<void> {
  return new Promise((resolve) => waiting.set(id, { runs, resolve }));
}

const rounds = Number(roundsArg);
const ended: string[] = [];
for (let round = 0; round < rounds; round++) {
  const job = runner.start('test.onnx-loop', { model, ignoreSignal: true });
  // A run or two in: the worker is mid-run most of the time from here on.
  await afterRuns(job.id, 1 + (round % 2));
  runner.cancel(job.id);
  ended.push((await runner.waitFor(job.id)).state);
}
// dispose's stop lands on a running job too.
const last = runner.start('test.onnx-loop', { model, ignoreSignal: true });
await afterRuns(last.id, 1);
await runner.dispose();
project.db.close();
process.stdout.write(JSON.stringify({ ended }) + '\n');
