// Job handler for 'corpus.import': the import core with the runner's cancel signal, progress,
// logs and checkpoint. The report is the job result.
import type { ImportParams } from '../../../shared/services/corpus.js';
import type { JobContext, JobHandler } from '../jobs/types.js';
import { importCorpus, type ImportCheckpoint } from './import.js';

const handler: JobHandler<ImportParams, ImportCheckpoint> = {
  async run(ctx: JobContext<ImportParams, ImportCheckpoint>) {
    return importCorpus(ctx.db, ctx.params, {
      signal: ctx.signal,
      jobId: ctx.jobId,
      checkpoint: ctx.checkpoint,
      progress: (update) => ctx.progress(update),
      log: (level, message) => ctx.log(level, message),
      saveCheckpoint: (checkpoint) => ctx.saveCheckpoint(checkpoint),
      // GENQ_IMPORT_CHUNK_MS: shorter chunks, so the fault-injection suite's kills land inside files.
      chunkCommitMs: process.env.GENQ_IMPORT_CHUNK_MS ? Number(process.env.GENQ_IMPORT_CHUNK_MS) : undefined,
    });
  },
};

export default handler;
