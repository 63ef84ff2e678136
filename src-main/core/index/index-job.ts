// Job handler for 'index.build'. A cancelled or crashed full build keeps what it embedded (the
// builder saves partial indexes), so resuming simply runs again and continues incrementally;
// no checkpoint of its own is needed.
import type { JobContext, JobHandler } from '../jobs/types.js';
import { buildIndexForModel } from './build-for-model.js';
import type { IndexBuildParams } from './jobs.js';

const handler: JobHandler<IndexBuildParams, null> = {
  run(ctx: JobContext<IndexBuildParams, null>) {
    return buildIndexForModel(ctx.projectDir, ctx.db, ctx.params, {
      jobId: ctx.jobId,
      signal: ctx.signal,
      progress: ({ done, total, message }) => ctx.progress({ done, total, unit: 'passages', message }),
      log: (message) => ctx.log('info', message),
    });
  },
};

export default handler;
