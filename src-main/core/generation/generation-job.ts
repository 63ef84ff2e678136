// Job handler for 'generation.run': queries for the scope's passages with a project generator
// model, in the job's worker thread. Each batch's queries and the checkpoint commit in ONE
// transaction, so after a cancel, a crash or kill -9 the resumed job (same run) skips exactly the
// passages that already have this run's queries: none is lost, none is generated twice.
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { GenerationResult, GenerationRunParams } from '../../../shared/services/generation.js';
import type { JobContext, JobHandler } from '../jobs/types.js';
import { withStageLock } from '../project/locks.js';
import { projectModelOfRole, type ProjectModelRow } from '../models/project-model.js';
import { QueryGenerator } from '../models/t5/query-generator.js';
import { generateQueries, sequencesPerPassage, type PassageQueries } from './generate-queries.js';
import { createGenerationRun, insertQueries, maxPassageId, passageTexts, pendingPassageIds, setRunSummary } from './store-queries.js';

export interface GenerationCheckpoint {
  runId: number;
  total: number;
  done: number;
  queries: number;
  duplicates: number;
  empty: number;
  /** Generation time of the attempts before this one. */
  seconds: number;
  /** Highest passage id when the run started: a resume skips passages imported later (absent in old checkpoints). */
  maxPassageId?: number;
}

export class GenerationJobError extends Error {
  override name = 'GenerationJobError';
}

export function generatorModel(db: Database.Database, modelId: number): ProjectModelRow {
  return projectModelOfRole(db, modelId, 'generator', GenerationJobError);
}

/** Passages handed to the generator at a time (it length-sorts and batches inside). */
const CHUNK_BATCHES = 8;

const handler: JobHandler<GenerationRunParams, GenerationCheckpoint> = {
  // One generation per project at a time: two at once gave every passage both runs' queries.
  run: (ctx) =>
    withStageLock(ctx.db, 'generation', `Query generation (job ${ctx.jobId})`, () => runGeneration(ctx), {
      jobId: ctx.jobId,
      log: (message) => ctx.log('warn', message),
    }),
};

async function runGeneration(ctx: JobContext<GenerationRunParams, GenerationCheckpoint>): Promise<GenerationResult> {
    const { db, params } = ctx;
    const model = generatorModel(db, params.modelId);
    const settings = params.settings;
    let cp = ctx.checkpoint;
    if (!cp) {
      // Run row and first checkpoint together: a crash right after leaves a resumable job, not an orphan run.
      cp = db.transaction(() => {
        const runId = createGenerationRun(db, {
          jobId: ctx.jobId,
          modelId: model.id,
          name: `${model.name} ${settings.mode}`,
          config: { model: { id: model.id, name: model.name, path: model.path, source: model.source, revision: model.revision }, scope: params.scope, settings },
        });
        const first: GenerationCheckpoint = { runId, total: 0, done: 0, queries: 0, duplicates: 0, empty: 0, seconds: 0, maxPassageId: maxPassageId(db) };
        first.total = pendingPassageIds(db, params.scope, runId, first.maxPassageId).length;
        ctx.saveCheckpoint(first);
        return first;
      }).immediate();
    } else {
      ctx.log('info', `Resuming run ${cp.runId} at ${cp.done}/${cp.total} passages`);
    }
    const state: GenerationCheckpoint = { ...cp };
    const pending = pendingPassageIds(db, params.scope, state.runId, state.maxPassageId);
    ctx.progress({ done: state.done, total: state.total, unit: 'passages', message: `${state.queries} queries` });

    const generator = await QueryGenerator.load(model.path, { cacheDir: join(ctx.projectDir, 'models'), threads: params.threads, provider: params.provider });
    ctx.log('info', `${model.name} on ${generator.model.provider}: ${settings.mode}, ${sequencesPerPassage(settings)} per passage, ${pending.length} passages to go`);
    const started = performance.now();
    let last = started;
    const save = db.transaction((batch: PassageQueries[]) => {
      const kept = insertQueries(db, state.runId, batch);
      state.done += batch.length;
      state.queries += kept;
      state.duplicates += batch.reduce((n, p) => n + p.duplicates, 0);
      state.empty += batch.reduce((n, p) => n + p.empty, 0);
      state.seconds = cp.seconds + (performance.now() - started) / 1000;
      ctx.saveCheckpoint(state);
      return kept;
    });
    try {
      const chunk = settings.batchSize * CHUNK_BATCHES;
      for (let start = 0; start < pending.length && !ctx.signal.aborted; start += chunk) {
        const passages = passageTexts(db, pending.slice(start, start + chunk)).map((p) => ({ key: p.id, text: p.text }));
        await generateQueries(generator.model, generator.tokenizer, passages, settings, (batch) => {
          const kept = save.immediate(batch);
          const now = performance.now();
          const seconds = Math.max(1e-6, (now - last) / 1000);
          last = now;
          ctx.metric('passages_per_s', state.done, batch.length / seconds, state.runId);
          ctx.metric('queries_per_s', state.done, kept / seconds, state.runId);
          ctx.progress({ done: state.done, total: state.total, unit: 'passages', message: `${state.queries} queries, ${state.duplicates} duplicates removed` });
        }, ctx.signal);
      }
    } finally {
      await generator.release();
    }
    const result: GenerationResult = { runId: state.runId, passages: state.done, queries: state.queries, duplicates: state.duplicates, empty: state.empty, seconds: state.seconds };
    if (!ctx.signal.aborted) setRunSummary(db, state.runId, result);
    return result;
}

export default handler;
