// GPL's data side: hard negatives for every mined query and their cross-encoder pseudo labels.
// Per batch of queries (not rejected, on training-split, non-duplicate passages; id order):
//   1. top-k passages from each chosen retriever (BM25 and/or project encoders, retrievers.ts)
//   2. their union minus the query's own passage and copies of it (candidates.ts), N sampled
//      with the query's seeded stream
//   3. CE(q, pos) and CE(q, neg) for the sampled negatives as raw logits (GPL's default
//      cross-encoder, ms-marco-MiniLM-L-6-v2, predicts with an identity activation, so GPL's
//      margins are logit differences), margin = CE(q, pos) − CE(q, neg)
//   4. rows and checkpoint in ONE transaction: after a cancel, crash or kill -9 the resumed job
//      continues after the last committed query; the (run, query, passage) primary keys make a
//      second insert of a query impossible rather than silent.
// Steps 1–2 and step 3 are the two halves in mining-shard.ts; with `params.workers` the job runs
// mineOnWorkers (mine-on-workers.ts) instead, step 3 on `genq worker`s.
//
// Margins are PRECOMPUTED here for every sampled candidate instead of being computed for the one
// negative each query draws per epoch during training. Cost, in cross-encoder pairs, for Q queries,
// N negatives per query and E epochs: precompute Q·(N + 1) once; at draw time Q·(E + 1) per
// training run (the positive's score cached), or Q·2E without that cache as GPL's PseudoLabeler
// does. Measured by bench/mine.ts (600 queries, N = 10, MiniLM-L6-sized random models, 2 threads
// on the shared 2-core dev machine): the cross-encoder is 94.5% of the mining job's time (dense
// 4.8%, BM25 0.1%); precomputing took 324 s, 8.5× one draw-time epoch (38 s for its 1,200 pairs),
// so precomputing pays off only from about N epochs of a single training run (10 by pair count,
// 16 at the two measured rates, which differ by batching and machine load). It was
// still chosen, because (a) the trainer takes margins as plain labels and never loads a
// cross-encoder (the sentence-transformers MarginMSE pattern: training memory and speed stay those
// of the bi-encoder, and the labelling cost is not paid again by every training run — another lr,
// another base model, a resumed run all reuse it), (b) a user can see every candidate's scores and
// drop false negatives by hand or by a margin threshold BEFORE training, which draw-time labels
// cannot offer, and (c) the labels survive a crash with the job's checkpoint. N is the knob: the
// labelling cost is linear in it.
import type Database from 'better-sqlite3';
import type { MiningParams, MiningReport } from '../../../shared/services/mining.js';
import { CrossEncoder, CrossEncoderError } from '../curation/cross-encoder.js';
import { projectModelOfRole, type ProjectModelRow } from '../models/project-model.js';
import { deviceMemoryNote } from '../models/device-memory.js';
import { describeDevice } from '../models/session.js';
import { MINED_QUERIES, pickBatchNegatives, scoreMiningShard, type BatchQuery } from './mining-shard.js';
import { openMiningRetriever, type MiningRetrieverHandle } from './retrievers.js';
import { createMiningRun, finishMiningRun, insertMinedQueries, miningReport, type MinedQueryRow } from './store.js';

export interface MiningCheckpoint {
  runId: number;
  /** Last query id whose rows are committed. */
  afterQueryId: number;
  done: number;
  total: number;
  /** Seconds spent per part by the attempts so far. */
  timings: MiningTimings;
}

export interface MiningTimings {
  bm25: number;
  dense: number;
  crossEncoder: number;
  other: number;
}

export interface MiningHooks {
  jobId?: number;
  checkpoint?: MiningCheckpoint | null;
  saveCheckpoint?(c: MiningCheckpoint): void;
  signal?: AbortSignal;
  progress?(update: { done: number; total: number; unit?: string; message?: string }): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
}

export class MiningCancelledError extends Error {
  override name = 'MiningCancelledError';
}

export function countMinableQueries(db: Database.Database): number {
  return (db.prepare(`SELECT COUNT(*) AS n ${MINED_QUERIES}`).get() as { n: number }).n;
}

export function crossEncoderRow(db: Database.Database, modelId: number): ProjectModelRow {
  return projectModelOfRole(db, modelId, 'cross-encoder', CrossEncoderError);
}

export function retrieverName(db: Database.Database, spec: MiningParams['retrievers'][number]): string {
  if (spec.kind === 'bm25') return 'bm25';
  const row = db.prepare('SELECT name FROM models WHERE id = ?').get(spec.modelId) as { name: string } | undefined;
  return `${row?.name ?? '?'} (model ${spec.modelId})`;
}

export const seconds = (start: number) => (performance.now() - start) / 1000;

/** Opens the params' retrievers into `into` (released by the caller, also after a failure), timing each. */
export async function openMiningRetrievers(
  projectDir: string,
  db: Database.Database,
  params: MiningParams,
  into: MiningRetrieverHandle[],
  timings: MiningTimings,
  hooks: Pick<MiningHooks, 'signal' | 'log' | 'progress'> = {},
): Promise<void> {
  for (const spec of params.retrievers) {
    const t = performance.now();
    into.push(
      await openMiningRetriever(projectDir, db, spec, {
        batchSize: params.batchSize,
        threads: params.threads,
        provider: params.provider,
        signal: hooks.signal,
        log: (m) => hooks.log?.('info', m),
        progress: (done, all, message) => hooks.progress?.({ done: 0, total: 0, unit: 'queries', message: `${message} ${done}/${all}` }),
      }),
    );
    timings[spec.kind === 'bm25' ? 'bm25' : 'dense'] += seconds(t);
  }
}

/** The device report of each model that ran here (dense retrievers by name, and 'cross-encoder'). */
export function minedDevices(retrievers: readonly MiningRetrieverHandle[], crossEncoder: CrossEncoder | null): NonNullable<MiningReport['devices']> {
  const devices: NonNullable<MiningReport['devices']> = {};
  for (const r of retrievers) if (r.device) devices[r.name] = r.device;
  if (crossEncoder) devices['cross-encoder'] = crossEncoder.device;
  return devices;
}

export async function mineHardNegatives(db: Database.Database, projectDir: string, params: MiningParams, hooks: MiningHooks = {}): Promise<MiningReport> {
  const ce = crossEncoderRow(db, params.crossEncoderId);
  let cp = hooks.checkpoint ?? null;
  if (!cp) {
    // Run row and first checkpoint together: a crash right after leaves a resumable job, not an orphan run.
    cp = db.transaction(() => {
      const runId = createMiningRun(db, hooks.jobId ?? null, { ...params, retrieverNames: params.retrievers.map((r) => retrieverName(db, r)), crossEncoder: `${ce.name} (model ${ce.id})` });
      const first: MiningCheckpoint = { runId, afterQueryId: 0, done: 0, total: countMinableQueries(db), timings: { bm25: 0, dense: 0, crossEncoder: 0, other: 0 } };
      hooks.saveCheckpoint?.(first);
      return first;
    }).immediate();
  } else {
    hooks.log?.('info', `Resuming mining run ${cp.runId} at ${cp.done}/${cp.total} queries`);
  }
  const state: MiningCheckpoint = { ...cp, timings: { ...cp.timings } };
  const total = state.done + (db.prepare(`SELECT COUNT(*) AS n ${MINED_QUERIES} AND q.id > ?`).get(state.afterQueryId) as { n: number }).n;
  state.total = total;
  hooks.progress?.({ done: state.done, total, unit: 'queries', message: 'loading retrievers' });

  const retrievers: MiningRetrieverHandle[] = [];
  let crossEncoder: CrossEncoder | null = null;
  try {
    await openMiningRetrievers(projectDir, db, params, retrievers, state.timings, { ...hooks, progress: (u) => hooks.progress?.({ ...u, done: state.done, total }) });
    crossEncoder = await CrossEncoder.load(ce.path, { threads: params.threads, provider: params.provider });
    hooks.log?.('info', `cross-encoder ${ce.name} on ${describeDevice(crossEncoder.device)}${await deviceMemoryNote(crossEncoder.device.provider)}`);
    const next = db.prepare(`SELECT q.id, q.text, q.passage_id AS passageId, p.text AS positive ${MINED_QUERIES} AND q.id > ? ORDER BY q.id LIMIT ?`);
    const save = db.transaction((rows: MinedQueryRow[], last: number) => {
      insertMinedQueries(db, state.runId, rows);
      state.afterQueryId = last;
      state.done += rows.length;
      hooks.saveCheckpoint?.(state);
    });
    const perBatch = params.queriesPerBatch;
    for (;;) {
      if (hooks.signal?.aborted) throw new MiningCancelledError('mining cancelled');
      let t = performance.now();
      const batch = next.all(state.afterQueryId, perBatch) as BatchQuery[];
      if (batch.length === 0) break;
      state.timings.other += seconds(t);
      // The same two halves a distributed run splits between this process and its workers (mining-shard.ts).
      const shard = await pickBatchNegatives(db, retrievers, batch, params, state.timings);
      t = performance.now();
      const rows: MinedQueryRow[] = await scoreMiningShard(crossEncoder, shard, params.batchSize);
      state.timings.crossEncoder += seconds(t);
      if (hooks.signal?.aborted) throw new MiningCancelledError('mining cancelled');
      t = performance.now();
      save.immediate(rows, batch[batch.length - 1].id);
      state.timings.other += seconds(t);
      hooks.progress?.({ done: state.done, total, unit: 'queries', message: `mining run ${state.runId}` });
    }
  } finally {
    for (const r of retrievers) await r.release();
    await crossEncoder?.release();
  }
  const spent = state.timings.bm25 + state.timings.dense + state.timings.crossEncoder + state.timings.other;
  const report = { ...miningReport(db, state.runId, spent)!, timings: state.timings, devices: minedDevices(retrievers, crossEncoder) };
  finishMiningRun(db, state.runId, report);
  return report;
}
