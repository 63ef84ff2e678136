// Job handler for 'models.download': pullModel with the runner's cancel signal and byte progress.
// The resolved commit is checkpointed first, so a resumed job (after cancel or a crash) fetches
// the same revision and continues the .incomplete files already on disk.
import type { ModelsPullParams } from '../../../../shared/services/models.js';
import type { JobContext, JobHandler } from '../../jobs/types.js';
import { pullModel } from './pull.js';

interface DownloadCheckpoint {
  commit: string;
}

const handler: JobHandler<ModelsPullParams, DownloadCheckpoint> = {
  async run(ctx: JobContext<ModelsPullParams, DownloadCheckpoint>) {
    const { repo, revision, include } = ctx.params;
    if (ctx.checkpoint) ctx.log('info', `resuming ${repo} at commit ${ctx.checkpoint.commit}`);
    return pullModel(repo, {
      revision,
      include,
      commit: ctx.checkpoint?.commit,
      signal: ctx.signal,
      onResolved: (commit) => {
        if (ctx.checkpoint?.commit !== commit) ctx.saveCheckpoint({ commit });
      },
      onProgress: ({ done, total, file }) => ctx.progress({ done, total, unit: 'bytes', message: file }),
      log: (level, message) => ctx.log(level, message),
    });
  },
};

export default handler;
