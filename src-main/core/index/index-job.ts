// Job handler for 'index.build'. A cancelled or crashed full build keeps what it embedded (the
// builder saves partial indexes), so resuming simply runs again and continues incrementally;
// no checkpoint of its own is needed. With params.workers the passages are embedded on `genq worker`s
// (distributed-index.ts, loaded only then) and the index is built here from their vectors.
import type { JobContext, JobHandler } from '../jobs/types.js';
import { buildIndexForModel } from './build-for-model.js';
import type { IndexBuildParams } from './jobs.js';

const handler: JobHandler<IndexBuildParams, null> = {
  async run(ctx: JobContext<IndexBuildParams, null>) {
    const hooks = {
      jobId: ctx.jobId,
      signal: ctx.signal,
      progress: ({ done, total, message }: { done: number; total: number; message?: string }) => ctx.progress({ done, total, unit: 'passages', message }),
      log: (message: string) => ctx.log('info', message),
    };
    if (ctx.params.workers) {
      const { buildIndexOnWorkers } = await import('../distributed/distributed-index.js');
      return buildIndexOnWorkers(ctx.projectDir, ctx.db, ctx.params, ctx.params.workers, hooks);
    }
    return buildIndexForModel(ctx.projectDir, ctx.db, ctx.params, hooks);
  },
};

export default handler;
