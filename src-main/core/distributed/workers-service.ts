// workers.* of the API: the Workers panel's view of distributed stages. Stage and shard counts come
// from the project (schema v7); connected workers from their Redis heartbeats, on a short-lived
// connection per call that gives up after CONNECT_TIMEOUT_MS (a Redis that is down shows as
// "not connected", it does not hang the panel). Pause/resume/cancel change the stage row; its
// coordinator (in this or another process) acts on it at its next resync.
import type Database from 'better-sqlite3';
import type { GenqApiImpl } from '../../../shared/api.js';
import { distributedGenerationParamsSchema, type StageStatus, type WorkersStatus } from '../../../shared/services/workers.js';
import { generatorModel } from '../generation/generation-job.js';
import type { ProjectManager } from '../project/project-manager.js';
import { DISTRIBUTED_GENERATION_KIND } from './jobs.js';
import { redactRedisUrl } from './redis-url.js';
import { getStage, listStages, setStageState, shardsPerWorker, stageCounts, type StageRow } from './shard-store.js';

const CONNECT_TIMEOUT_MS = 2000;

export class WorkersServiceError extends Error {
  override name = 'WorkersServiceError';
}

function stageStatus(db: Database.Database, s: StageRow): StageStatus {
  const c = stageCounts(db, s.id);
  return {
    id: s.id,
    kind: s.kind,
    state: s.state,
    jobId: s.jobId,
    runId: s.runId,
    modelId: s.modelId,
    redis: (s.config as { redis?: string }).redis ?? null,
    shards: s.shards,
    passages: s.passages,
    shardsDone: c.done,
    shardsRunning: c.running,
    shardsFailed: c.failed,
    passagesDone: c.passagesDone,
    error: s.error,
    createdAt: s.createdAt,
    finishedAt: s.finishedAt,
    perWorker: shardsPerWorker(db, s.id),
  };
}

/** The Redis URL (password included) of the newest stage started as a job, from its params. */
function newestJobRedisUrl(db: Database.Database): string | null {
  const row = db.prepare("SELECT j.params FROM dist_stages s JOIN jobs j ON j.id = s.job_id ORDER BY s.id DESC LIMIT 1").get() as { params: string } | undefined;
  if (!row) return null;
  return (JSON.parse(row.params) as { workers?: { redisUrl?: string } }).workers?.redisUrl ?? null;
}

async function connectedWorkers(url: string): Promise<Pick<WorkersStatus, 'connected' | 'error' | 'workers'>> {
  const [{ redisConnection }, { listWorkers }] = await Promise.all([import('./redis.js'), import('./worker-registry.js')]);
  const redis = redisConnection(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: CONNECT_TIMEOUT_MS });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS)));
    await Promise.race([redis.connect(), timeout]);
    return { connected: true, error: null, workers: await Promise.race([listWorkers(redis), timeout]) };
  } catch (e) {
    return { connected: false, error: `${redactRedisUrl(url)}: ${(e as Error).message}`, workers: [] };
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

export function createWorkersService(manager: ProjectManager): GenqApiImpl['workers'] {
  const db = () => manager.require().project.db;
  const setState = (stageId: number, from: StageStatus['state'][], to: 'running' | 'paused' | 'cancelled'): StageStatus => {
    const stage = getStage(db(), stageId);
    if (!from.includes(stage.state)) throw new WorkersServiceError(`stage ${stageId} is ${stage.state}; it can be ${to === 'running' ? 'resumed' : to === 'paused' ? 'paused' : 'cancelled'} only when ${from.join(' or ')}`);
    setStageState(db(), stageId, to, to === 'cancelled' ? 'cancelled from the Workers panel' : null);
    return stageStatus(db(), getStage(db(), stageId));
  };
  return {
    status: async ({ redisUrl, limit }) => {
      const stages = listStages(db(), limit ?? 10).map((s) => stageStatus(db(), s));
      const url = redisUrl ?? newestJobRedisUrl(db());
      if (!url) return { redis: null, connected: false, error: null, workers: [], stages };
      return { redis: redactRedisUrl(url), ...(await connectedWorkers(url)), stages };
    },
    startGeneration: async (input) => {
      const params = distributedGenerationParamsSchema.parse(input);
      generatorModel(db(), params.run.modelId); // fail now, not in the job's thread
      return manager.require().runner.start(DISTRIBUTED_GENERATION_KIND, params);
    },
    pause: async ({ stageId }) => setState(stageId, ['running'], 'paused'),
    resume: async ({ stageId }) => setState(stageId, ['paused'], 'running'),
    cancel: async ({ stageId }) => {
      const status = setState(stageId, ['running', 'paused'], 'cancelled');
      if (status.jobId !== null) {
        const runner = manager.require().runner;
        try {
          runner.cancel(status.jobId);
        } catch {
          // The job already ended, or runs in another process: its coordinator sees the stage row.
        }
      }
      return status;
    },
  };
}
