// mining.* of the API: runs start as 'mining.run' jobs on the open project's runner (models are
// checked here so a wrong id fails at once, not in the worker); reads and drops go to the store.
import type { GenqApiImpl } from '../../../shared/api.js';
import { miningParamsSchema } from '../../../shared/services/mining.js';
import type { ProjectManager } from '../project/project-manager.js';
import { MINING_RUN_KIND } from './jobs.js';
import { crossEncoderRow } from './mine.js';
import { encoderRow } from './retrievers.js';
import { dropBelow, listMiningRuns, minedNegatives, minedQueries, miningReport, setDropped } from './store.js';

export function createMiningService(manager: ProjectManager): GenqApiImpl['mining'] {
  const db = () => manager.require().project.db;
  return {
    start: async (input) => {
      const params = miningParamsSchema.parse(input);
      crossEncoderRow(db(), params.crossEncoderId);
      for (const r of params.retrievers) if (r.kind === 'model') encoderRow(db(), r.modelId);
      return manager.require().runner.start(MINING_RUN_KIND, params);
    },
    runs: async () => listMiningRuns(db()),
    report: async ({ runId }) => miningReport(db(), runId),
    queries: async ({ runId, offset, limit, search }) => minedQueries(db(), { runId, offset: offset ?? 0, limit: limit ?? 50, search }),
    negatives: async ({ runId, queryId }) => minedNegatives(db(), queryId, runId),
    setDropped: async (input) => ({ changed: setDropped(db(), input) }),
    dropBelow: async ({ runId, threshold, preview }) => ({ count: dropBelow(db(), { runId, threshold, preview: preview ?? false }) }),
  };
}
