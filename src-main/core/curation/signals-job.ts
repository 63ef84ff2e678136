// Computes and stores every quality signal, in three resumable phases:
//   lexical    per passage: lengths, duplicates, copy ratio, degenerate flags (signals.ts), near
//              duplicates across the corpus (near-dup-corpus.ts)
//   roundtrip  per query batch: rank of the own passage with the encoder (roundtrip.ts)
//   relevance  per query batch: cross-encoder score (cross-encoder.ts)
// Each batch's rows and the checkpoint commit in one transaction, so a cancelled or crashed job
// resumes after the last committed batch. At the end a 'signals' run is recorded. The sig_* columns
// are the store (queries.signals JSON stays NULL: mirroring them doubled the row size and the
// cost of every bulk status change; mirrorSignalsJson exists for a consumer that wants JSON).
import type Database from 'better-sqlite3';
import type { SignalsParams } from '../../../shared/services/curation.js';
import type { DeviceReport } from '../../../shared/services/models.js';
import type { JobContext, JobHandler } from '../jobs/types.js';
import { deviceMemoryNote } from '../models/device-memory.js';
import { describeDevice } from '../models/session.js';
import { TextTokenizer } from '../models/tokenizer.js';
import { CrossEncoder, CrossEncoderError } from './cross-encoder.js';
import { loadRoundtripEmbedder, passageSearch, roundtripModel, roundtripRanks } from './roundtrip.js';
import { CorpusNearDuplicates } from './near-dup-corpus.js';
import { normalizeQuery, passageSignals, type SignalOptions } from './signals.js';

export type SignalsPhase = 'lexical' | 'roundtrip' | 'relevance';
export interface SignalsCheckpoint {
  phase: SignalsPhase;
  /** Last passage id (lexical) or query id (other phases) whose results are committed. */
  afterId: number;
}

export interface SignalsHooks {
  checkpoint?: SignalsCheckpoint | null;
  saveCheckpoint?(c: SignalsCheckpoint): void;
  signal?: AbortSignal;
  progress?(update: { done: number; total: number; unit?: string; message?: string }): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  jobId?: number;
}

export interface SignalsReport {
  queries: number;
  phases: SignalsPhase[];
  tokenizer: string;
  maxQueryTokens: number | null;
  nearDupThreshold: number;
  roundtrip: { modelId: number; search: 'hnsw' | 'exact'; k: number } | null;
  crossEncoderId: number | null;
  /** Which execution provider ran each model phase and why preferred ones were not used (null: the phase did not load a model in this run). */
  devices: { roundtrip: DeviceReport | null; relevance: DeviceReport | null };
  elapsedMs: number;
}

export class SignalsCancelledError extends Error {
  override name = 'SignalsCancelledError';
}

const PASSAGES_PER_BATCH = 1000;
const QUERIES_PER_BATCH = 256;

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new SignalsCancelledError('signals computation cancelled');
}

/** params.tokenizerDir, else the project's generator, else its base encoder; null = estimate. */
function tokenizerFolder(db: Database.Database, params: SignalsParams): string | null {
  if (params.tokenizerDir) return params.tokenizerDir;
  const row = db.prepare("SELECT path FROM models WHERE role IN ('generator', 'encoder') ORDER BY role = 'generator' DESC, parent_id IS NOT NULL, id LIMIT 1").get() as { path: string } | undefined;
  return row?.path ?? null;
}

/** The generation limit of the latest generation run, when it recorded one. */
function generationLimit(db: Database.Database): number | undefined {
  const row = db.prepare("SELECT config FROM runs WHERE kind = 'generation' ORDER BY id DESC LIMIT 1").get() as { config: string } | undefined;
  if (!row) return undefined;
  const config = JSON.parse(row.config) as Record<string, unknown>;
  const limit = config.maxNewTokens ?? config.max_new_tokens ?? config.maxLength;
  return typeof limit === 'number' ? limit : undefined;
}

/** How many distinct passages have a query with each normalised text. */
function passagesPerQueryText(db: Database.Database): Map<string, number> {
  const counts = new Map<string, number>();
  const lastPassage = new Map<string, number>();
  for (const [passageId, text] of db.prepare('SELECT passage_id, text FROM queries ORDER BY passage_id').raw().iterate() as Iterable<[number, string]>) {
    const n = normalizeQuery(text);
    if (lastPassage.get(n) === passageId) continue;
    lastPassage.set(n, passageId);
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}

function lexicalPhase(db: Database.Database, options: SignalOptions, nearDupThreshold: number, afterId: number, hooks: SignalsHooks): void {
  const total = (db.prepare('SELECT COUNT(*) AS n FROM passages').get() as { n: number }).n;
  let done = (db.prepare('SELECT COUNT(*) AS n FROM passages WHERE id <= ?').get(afterId) as { n: number }).n;
  const passagesAfter = db.prepare('SELECT id, text FROM passages WHERE id > ? ORDER BY id LIMIT ?');
  const queriesIn = db.prepare('SELECT id, passage_id, text FROM queries WHERE passage_id > ? AND passage_id <= ? ORDER BY passage_id, id');
  const update = db.prepare(
    `UPDATE queries SET sig_tokens = ?, sig_words = ?, sig_overlap = ?, sig_copy = ?, sig_dup_passage = ?, sig_dup_corpus = ?, sig_near_dup = ?, sig_degenerate = ?,
       sig_near_dup_corpus = ?, near_dup_of = ? WHERE id = ?`,
  );
  const nearDups = new CorpusNearDuplicates(nearDupThreshold);
  if (afterId > 0) nearDups.rememberUpTo(db, afterId); // resuming: the passages already done are candidates
  for (;;) {
    checkAbort(hooks.signal);
    const passages = passagesAfter.all(afterId, PASSAGES_PER_BATCH) as Array<{ id: number; text: string }>;
    if (passages.length === 0) return;
    const last = passages[passages.length - 1].id;
    const byPassage = new Map<number, Array<{ id: number; text: string }>>();
    for (const q of queriesIn.all(afterId, last) as Array<{ id: number; passage_id: number; text: string }>) {
      const list = byPassage.get(q.passage_id);
      if (list) list.push(q);
      else byPassage.set(q.passage_id, [q]);
    }
    db.transaction(() => {
      for (const p of passages) {
        const queries = byPassage.get(p.id);
        if (!queries) continue;
        passageSignals(p.text, queries, options).forEach((s, i) => {
          const near = nearDups.check(queries[i].id, queries[i].text);
          update.run(s.tokens, s.words, s.overlap, s.copyRatio, s.dupPassage, s.dupCorpus, s.nearDup, s.degenerate, near?.similarity ?? 0, near?.of ?? null, queries[i].id);
        });
        nearDups.rememberPassage();
      }
      hooks.saveCheckpoint?.({ phase: 'lexical', afterId: last });
    }).immediate();
    afterId = last;
    done += passages.length;
    hooks.progress?.({ done, total, unit: 'passages', message: 'lexical signals' });
  }
}

/** Runs `score` over queries (id order, after `afterId`) in batches and stores its numbers in `column`. */
async function perQueryPhase(
  db: Database.Database,
  phase: Exclude<SignalsPhase, 'lexical'>,
  column: 'sig_roundtrip' | 'sig_relevance',
  afterId: number,
  hooks: SignalsHooks,
  score: (rows: Array<{ id: number; passageId: number; text: string; passage: string }>) => Promise<ArrayLike<number>>,
): Promise<void> {
  const total = (db.prepare('SELECT COUNT(*) AS n FROM queries').get() as { n: number }).n;
  let done = (db.prepare('SELECT COUNT(*) AS n FROM queries WHERE id <= ?').get(afterId) as { n: number }).n;
  const next = db.prepare(
    'SELECT q.id, q.passage_id AS passageId, q.text, p.text AS passage FROM queries q JOIN passages p ON p.id = q.passage_id WHERE q.id > ? ORDER BY q.id LIMIT ?',
  );
  const update = db.prepare(`UPDATE queries SET ${column} = ? WHERE id = ?`);
  for (;;) {
    checkAbort(hooks.signal);
    const rows = next.all(afterId, QUERIES_PER_BATCH) as Array<{ id: number; passageId: number; text: string; passage: string }>;
    if (rows.length === 0) return;
    const values = await score(rows);
    checkAbort(hooks.signal);
    const last = rows[rows.length - 1].id;
    db.transaction(() => {
      rows.forEach((r, i) => update.run(values[i], r.id));
      hooks.saveCheckpoint?.({ phase, afterId: last });
    }).immediate();
    afterId = last;
    done += rows.length;
    hooks.progress?.({ done, total, unit: 'queries', message: phase === 'roundtrip' ? 'round-trip ranks' : 'cross-encoder relevance' });
  }
}

export async function computeSignals(db: Database.Database, projectDir: string, params: SignalsParams, hooks: SignalsHooks = {}): Promise<SignalsReport> {
  const started = Date.now();
  const phases: SignalsPhase[] = [];
  if (params.lexical) phases.push('lexical');
  if (params.roundtrip !== false) phases.push('roundtrip');
  if (params.crossEncoderId !== undefined) phases.push('relevance');
  const resumeAt = hooks.checkpoint ? phases.indexOf(hooks.checkpoint.phase) : 0;
  const afterIdFor = (phase: SignalsPhase) => (hooks.checkpoint?.phase === phase ? hooks.checkpoint.afterId : 0);

  const tokenizerDir = tokenizerFolder(db, params);
  const maxQueryTokens = params.maxQueryTokens ?? generationLimit(db);
  const report: SignalsReport = {
    queries: (db.prepare('SELECT COUNT(*) AS n FROM queries').get() as { n: number }).n,
    phases,
    tokenizer: tokenizerDir ?? 'estimate (words and punctuation)',
    maxQueryTokens: maxQueryTokens ?? null,
    nearDupThreshold: params.nearDupThreshold,
    roundtrip: null,
    crossEncoderId: params.crossEncoderId ?? null,
    devices: { roundtrip: null, relevance: null },
    elapsedMs: 0,
  };

  for (const [i, phase] of phases.entries()) {
    if (i < resumeAt) continue;
    const afterId = afterIdFor(phase);
    if (phase === 'lexical') {
      const tokenizer = tokenizerDir ? TextTokenizer.fromFolder(tokenizerDir) : null;
      const counts = passagesPerQueryText(db);
      const options: SignalOptions = {
        countTokens: tokenizer ? (text) => tokenizer.countTokens(text) : undefined,
        maxQueryTokens,
        passagesWithQuery: (n) => counts.get(n) ?? 0,
      };
      lexicalPhase(db, options, params.nearDupThreshold, afterId, hooks);
    } else if (phase === 'roundtrip') {
      const model = roundtripModel(db, typeof params.roundtrip === 'number' ? params.roundtrip : undefined);
      const embedder = await loadRoundtripEmbedder(projectDir, db, model, { provider: params.provider });
      report.devices.roundtrip = embedder.device;
      hooks.log?.('info', `round trip: encoder ${model.name} on ${describeDevice(embedder.device)}${await deviceMemoryNote(embedder.device.provider)}`);
      try {
        const search = await passageSearch(projectDir, db, model, embedder, {
          batchSize: params.batchSize,
          signal: hooks.signal,
          log: (m) => hooks.log?.('info', m),
          progress: (done, total) => hooks.progress?.({ done, total, unit: 'passages', message: 'embedding passages for exact search' }),
        });
        report.roundtrip = { modelId: model.id, search: search.kind, k: params.roundtripK };
        await perQueryPhase(db, 'roundtrip', 'sig_roundtrip', afterId, hooks, (rows) => roundtripRanks(embedder, search, rows, params.roundtripK, params.batchSize));
      } finally {
        await embedder.release();
      }
    } else {
      const row = db.prepare('SELECT path, role, name FROM models WHERE id = ?').get(params.crossEncoderId) as { path: string; role: string; name: string } | undefined;
      if (!row) throw new CrossEncoderError(`no model with id ${params.crossEncoderId} in this project`);
      if (row.role !== 'cross-encoder') throw new CrossEncoderError(`model ${params.crossEncoderId} (${row.name}) is a ${row.role}, not a cross-encoder`);
      const model = await CrossEncoder.load(row.path, { provider: params.provider });
      report.devices.relevance = model.device;
      hooks.log?.('info', `relevance: cross-encoder ${row.name} on ${describeDevice(model.device)}${await deviceMemoryNote(model.device.provider)}`);
      try {
        await perQueryPhase(db, 'relevance', 'sig_relevance', afterId, hooks, (rows) => model.predict(rows.map((r) => [r.text, r.passage] as const), { batchSize: params.batchSize }));
      } finally {
        await model.release();
      }
    }
  }
  report.elapsedMs = Date.now() - started;
  db.prepare("INSERT INTO runs (kind, name, job_id, config, summary) VALUES ('signals', 'quality signals', ?, ?, ?)").run(hooks.jobId ?? null, JSON.stringify(params), JSON.stringify(report));
  return report;
}

/** queries.signals = the signal columns as one JSON object (what other stages and exports read). */
export function mirrorSignalsJson(db: Database.Database): void {
  db.prepare(
    `UPDATE queries SET signals = json_object('tokens', sig_tokens, 'words', sig_words, 'overlap', sig_overlap, 'copyRatio', sig_copy,
       'dupPassage', sig_dup_passage, 'dupCorpus', sig_dup_corpus, 'nearDup', sig_near_dup, 'nearDupCorpus', sig_near_dup_corpus, 'nearDupOf', near_dup_of, 'degenerate', sig_degenerate,
       'roundtripRank', sig_roundtrip, 'relevance', sig_relevance)`,
  ).run();
}

const handler: JobHandler<SignalsParams, SignalsCheckpoint> = {
  run: (ctx: JobContext<SignalsParams, SignalsCheckpoint>) =>
    computeSignals(ctx.db, ctx.projectDir, ctx.params, {
      checkpoint: ctx.checkpoint,
      saveCheckpoint: (c) => ctx.saveCheckpoint(c),
      signal: ctx.signal,
      progress: (u) => ctx.progress(u),
      log: (level, m) => ctx.log(level, m),
      jobId: ctx.jobId,
    }),
};
export default handler;
