// `genq index --workers URL`: corpus embedding sharded over `genq worker`s, then the usual HNSW
// build. The passages to embed are decided exactly as the in-process builder decides them (full
// build, or only added/edited passages); workers embed each passage's index text with the
// project's passage prefix (embedPassages) in batches of params.batchSize, and the coordinator
// stores each vector once per (stage, passage) with the hash of its text. The builder then runs
// unchanged, its embed() reading the stored vectors instead of running a model.
import type Database from 'better-sqlite3';
import type { IndexBuildParams } from '../../../shared/services/search.js';
import { buildOrUpdateIndex, type IndexBuildReport } from '../index/index-builder.js';
import { currentPassageFingerprints, indexStatus, passageEmbeddingText, readManifest } from '../index/index-store.js';
import { projectModelHash } from '../models/project-encoder.js';
import { projectModelOfRole } from '../models/project-model.js';
import { projectModelPrefixes } from '../models/prefixes.js';
import { coordinateStage, DistributedStageError } from './coordinator.js';
import type { WorkersOption } from './jobs.js';
import { vectorFromBase64, type EmbeddedPassage, type ShardJob } from './protocol.js';
import { redactRedisUrl } from './redis-url.js';
import { createStage, encodeVector, recordShardResult, splitIntoShards, storedVectorLookup, textHash } from './shard-store.js';
import { modelRefOf } from './worker-models.js';

export interface IndexOnWorkersHooks {
  jobId?: number;
  signal?: AbortSignal;
  progress?(update: { done: number; total: number; message?: string }): void;
  log?(message: string): void;
}

export async function buildIndexOnWorkers(projectDir: string, db: Database.Database, params: IndexBuildParams, workers: WorkersOption, hooks: IndexOnWorkersHooks = {}): Promise<IndexBuildReport> {
  const model = projectModelOfRole(db, params.modelId, 'encoder', DistributedStageError);
  const modelHash = await projectModelHash(db, model);
  const current = currentPassageFingerprints(db);
  const status = indexStatus(readManifest(projectDir, model.id), model.id, modelHash, current);
  const full = params.rebuild || !status.exists || status.modelChanged;
  const toEmbed = full ? [...current.keys()] : status.stale ? [...status.changes.added, ...status.changes.changed].sort((a, b) => a - b) : [];

  // Shards are whole multiples of the in-process builder's batches, so each forward pass sees the same texts.
  const shards = splitIntoShards(toEmbed, workers.shardSize ?? params.batchSize * 8);
  const ref = modelRefOf(model);
  const prefixes = projectModelPrefixes(db, model.id);
  const stageId = createStage(db, { kind: 'embed', jobId: hooks.jobId ?? null, modelId: model.id, config: { model: ref, prefixes, batchSize: params.batchSize, redis: redactRedisUrl(workers.redisUrl) }, shards });
  const select = db.prepare('SELECT id, title, text FROM passages WHERE id = ?');
  const rowsOf = (ids: number[]) => ids.flatMap((id) => (select.get(id) as { id: number; title: string | null; text: string } | undefined) ?? []);
  hooks.log?.(`embedding ${toEmbed.length} passages on workers (${shards.length} shards, stage ${stageId})`);
  if (shards.length > 0) {
    await coordinateStage({
      db,
      redisUrl: workers.redisUrl,
      stageId,
      queue: workers.queue,
      window: workers.window,
      resyncMs: workers.resyncMs,
      signal: hooks.signal,
      log: hooks.log,
      shardJob: (s, queueKey): ShardJob => ({
        kind: 'embed',
        queueKey,
        shard: s.shard,
        model: ref,
        batchSize: params.batchSize,
        prefixes,
        passages: rowsOf(s.passageIds).map((r) => ({ key: r.id, text: passageEmbeddingText(r) })),
        refusedBy: [],
        deferrals: 0,
      }),
      writeResult: (result) =>
        recordShardResult(db, stageId, result.shard, { ...result, passages: result.passages as EmbeddedPassage[] }, (p) => {
          const [row] = rowsOf([p.key]);
          return row ? { textHash: textHash(passageEmbeddingText(row)), vector: encodeVector(vectorFromBase64(p.vector)) } : undefined;
        }),
      progress: (c) => hooks.progress?.({ done: c.passagesDone, total: toEmbed.length, message: `${c.done}/${c.total} shards embedded on workers (${c.running} running)` }),
    });
  }
  const storedVector = storedVectorLookup(db, stageId);
  const report = await buildOrUpdateIndex({
    projectDir,
    db,
    modelId: model.id,
    modelPath: model.path,
    modelHash,
    embed: async (texts) =>
      texts.map((t) => {
        const v = storedVector(t);
        if (!v) throw new DistributedStageError(`stage ${stageId}: no vector from the workers for a passage text (edited during the build?); run genq index again`);
        return v;
      }),
    params: { M: params.M, efConstruction: params.efConstruction, ef: params.ef },
    rebuild: params.rebuild,
    batchSize: params.batchSize * 4,
    signal: hooks.signal,
    log: hooks.log,
  });
  db.prepare("INSERT INTO runs (kind, name, job_id, model_id, config, summary) VALUES ('index', ?, ?, ?, ?, ?)").run(
    `index ${model.name} (workers)`,
    hooks.jobId ?? null,
    model.id,
    JSON.stringify({ ...params, workers: { redis: redactRedisUrl(workers.redisUrl), stageId } }),
    JSON.stringify(report),
  );
  return report;
}
