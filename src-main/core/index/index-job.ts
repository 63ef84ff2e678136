// Job handler for 'index.build': loads the encoder, then buildOrUpdateIndex with the runner's
// cancel signal, progress and log. A cancelled or crashed full build keeps what it embedded
// (the builder saves partial indexes), so resuming simply runs again and continues
// incrementally; no checkpoint of its own is needed. The run is recorded in `runs`.
import { join } from 'node:path';
import { Embedder } from '../models/embedder.js';
import type { JobContext, JobHandler } from '../jobs/types.js';
import { buildOrUpdateIndex } from './index-builder.js';
import { modelFolderHash } from './index-store.js';
import type { IndexBuildParams } from './jobs.js';

export class IndexModelError extends Error {
  override name = 'IndexModelError';
}

const handler: JobHandler<IndexBuildParams, null> = {
  async run(ctx: JobContext<IndexBuildParams, null>) {
    const { modelId } = ctx.params;
    const model = ctx.db.prepare('SELECT id, name, role, path FROM models WHERE id = ?').get(modelId) as
      | { id: number; name: string; role: string; path: string }
      | undefined;
    if (!model) throw new IndexModelError(`no model with id ${modelId} in this project`);
    if (model.role !== 'encoder') throw new IndexModelError(`model ${modelId} (${model.name}) is a ${model.role}, not an encoder`);
    ctx.log('info', `hashing model folder ${model.path}`);
    const modelHash = await modelFolderHash(model.path);
    const embedder = await Embedder.load(model.path, { cacheDir: join(ctx.projectDir, 'models') });
    try {
      const report = await buildOrUpdateIndex({
        projectDir: ctx.projectDir,
        db: ctx.db,
        modelId,
        modelPath: model.path,
        modelHash,
        embed: (texts) => embedder.embed(texts, { batchSize: ctx.params.batchSize }),
        params: { M: ctx.params.M, efConstruction: ctx.params.efConstruction, ef: ctx.params.ef },
        rebuild: ctx.params.rebuild,
        batchSize: ctx.params.batchSize * 4,
        signal: ctx.signal,
        progress: ({ done, total, message }) => ctx.progress({ done, total, unit: 'passages', message }),
        log: (message) => ctx.log('info', message),
      });
      ctx.db
        .prepare("INSERT INTO runs (kind, name, job_id, model_id, config, summary) VALUES ('index', ?, ?, ?, ?, ?)")
        .run(`index ${model.name}`, ctx.jobId, modelId, JSON.stringify(ctx.params), JSON.stringify(report));
      return report;
    } finally {
      await embedder.release();
    }
  },
};

export default handler;
