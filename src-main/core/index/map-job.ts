// Job handler for 'map.build': loads the model's encoder (for the queries) and builds the map.
import type { MapBuildParams } from '../../../shared/services/search.js';
import type { JobContext, JobHandler } from '../jobs/types.js';
import { loadProjectEncoder } from '../models/project-encoder.js';
import { IndexModelError } from './build-for-model.js';
import { buildEmbeddingMap } from './embedding-map.js';

const handler: JobHandler<MapBuildParams, null> = {
  async run(ctx: JobContext<MapBuildParams, null>) {
    const model = ctx.db.prepare('SELECT id, path FROM models WHERE id = ?').get(ctx.params.modelId) as { id: number; path: string } | undefined;
    if (!model) throw new IndexModelError(`no model with id ${ctx.params.modelId} in this project`);
    const embedder = await loadProjectEncoder(ctx.projectDir, ctx.db, model);
    try {
      const map = await buildEmbeddingMap(ctx.projectDir, ctx.db, ctx.params, {
        embed: (texts) => embedder.embedQueries(texts),
        signal: ctx.signal,
        progress: ({ done, total, message }) => ctx.progress({ done, total, unit: message === 'UMAP epochs' ? 'epochs' : 'queries', message }),
      });
      // The map itself can be large; the job result only summarises it.
      return { modelId: map.modelId, points: map.points.length, passages: map.points.filter((p) => p.kind === 'passage').length, builtAt: map.builtAt };
    } finally {
      await embedder.release();
    }
  },
};

export default handler;
