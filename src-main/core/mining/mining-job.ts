// Job handler for 'mining.run': mineHardNegatives (mine.ts) in the job's worker thread, with the
// job's checkpoint as the resume point.
import type { MiningParams, MiningReport } from '../../../shared/services/mining.js';
import type { JobContext, JobHandler } from '../jobs/types.js';
import { mineHardNegatives, type MiningCheckpoint } from './mine.js';

const handler: JobHandler<MiningParams, MiningCheckpoint> = {
  run: (ctx: JobContext<MiningParams, MiningCheckpoint>): Promise<MiningReport> =>
    mineHardNegatives(ctx.db, ctx.projectDir, ctx.params, {
      jobId: ctx.jobId,
      checkpoint: ctx.checkpoint,
      saveCheckpoint: (c) => ctx.saveCheckpoint(c),
      signal: ctx.signal,
      progress: (u) => ctx.progress(u),
      log: (level, m) => ctx.log(level, m),
    }),
};

export default handler;
