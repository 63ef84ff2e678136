// Handler of test.count: one step per delayMs. Each step's row and the checkpoint commit in
// one transaction, so tests can check that no step runs twice across crash and resume.
import type { JobHandler } from './types.js';
import type { TestCountCheckpoint, TestCountParams } from './test-kinds.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const handler: JobHandler<TestCountParams, TestCountCheckpoint> = {
  async run(ctx) {
    const { steps, delayMs, failAt, crashAt, ignoreSignal, runId } = ctx.params;
    ctx.db.exec(`CREATE TABLE IF NOT EXISTS test_count_steps (
      job_id INTEGER NOT NULL, step INTEGER NOT NULL, at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))`);
    const insert = ctx.db.prepare('INSERT INTO test_count_steps (job_id, step) VALUES (?, ?)');
    const commitStep = ctx.db.transaction((step: number) => {
      insert.run(ctx.jobId, step);
      ctx.saveCheckpoint({ next: step + 1 });
    });

    const start = ctx.checkpoint?.next ?? 0;
    if (start > 0) ctx.log('info', `Resuming at step ${start}`);
    for (let step = start; step < steps; step++) {
      if (ctx.signal.aborted && !ignoreSignal) return { counted: step, stopped: true };
      if (delayMs) await sleep(delayMs);
      if (failAt === step) throw new Error(`test.count failed on purpose at step ${step}`);
      if (crashAt === step) process.exit(3);
      commitStep.immediate(step);
      ctx.progress({ done: step + 1, total: steps, unit: 'steps', message: `step ${step + 1}` });
      ctx.metric('count', step, step + 1, runId);
    }
    ctx.log('info', `Counted to ${steps}`);
    return { counted: steps };
  },
};

export default handler;
