// Job handler for 'mining.run': mineHardNegatives (mine.ts) in the job's worker thread, with the
// job's checkpoint as the resume point; with params.workers, the run's cross-encoder labelling is
// sharded over `genq worker`s (distributed-mining.ts), its checkpoint the run and stage ids.
import type { MiningParams, MiningReport } from '../../../shared/services/mining.js';
import type { JobContext, JobHandler } from '../jobs/types.js';
import { isDistributedMiningCheckpoint, planMiningStage, runMiningStage, type DistributedMiningCheckpoint } from '../distributed/distributed-mining.js';
import { mineHardNegatives, type MiningCheckpoint, type MiningHooks } from './mine.js';

type Checkpoint = MiningCheckpoint | DistributedMiningCheckpoint;

const handler: JobHandler<MiningParams, Checkpoint> = {
  run: (ctx: JobContext<MiningParams, Checkpoint>): Promise<MiningReport> => {
    const hooks: MiningHooks = {
      jobId: ctx.jobId,
      signal: ctx.signal,
      progress: (u) => ctx.progress(u),
      log: (level, m) => ctx.log(level, m),
    };
    if (ctx.params.workers) {
      let cp = isDistributedMiningCheckpoint(ctx.checkpoint) ? ctx.checkpoint : null;
      if (!cp) {
        cp = planMiningStage(ctx.db, ctx.params, ctx.jobId);
        ctx.saveCheckpoint(cp);
      } else ctx.log('info', `Resuming mining run ${cp.runId} on workers (stage ${cp.stageId})`);
      return runMiningStage(ctx.db, ctx.projectDir, ctx.params, cp, hooks);
    }
    return mineHardNegatives(ctx.db, ctx.projectDir, ctx.params, {
      ...hooks,
      checkpoint: isDistributedMiningCheckpoint(ctx.checkpoint) ? null : ctx.checkpoint,
      saveCheckpoint: (c) => ctx.saveCheckpoint(c),
    });
  },
};

export default handler;
