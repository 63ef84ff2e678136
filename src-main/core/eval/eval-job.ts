// Job handler for 'eval.run': runEvaluation with the runner's signal, progress and log; every
// retriever's result is recorded as an eval run (metric points included). Re-running after a
// cancel starts over: an evaluation is short next to embedding a corpus.
import type { EvalRunParams } from '../../../shared/services/search.js';
import type { JobContext, JobHandler } from '../jobs/types.js';
import { runEvaluation } from './run-eval.js';

const handler: JobHandler<EvalRunParams, null> = {
  run(ctx: JobContext<EvalRunParams, null>) {
    return runEvaluation({
      projectDir: ctx.projectDir,
      db: ctx.db,
      retrievers: ctx.params.retrievers.map((r) => (r === 'bm25' ? { kind: 'bm25' as const } : { kind: 'model' as const, modelId: r })),
      beirDir: ctx.params.beirDir,
      split: ctx.params.split,
      provider: ctx.params.provider,
      record: true,
      jobId: ctx.jobId,
      signal: ctx.signal,
      onProgress: (done, total, retriever) => ctx.progress({ done, total, unit: 'queries', message: retriever }),
      log: (message) => ctx.log('info', message),
    });
  },
};

export default handler;
