// Curation at scale: 100,000 passages × 3 queries in a temporary project.
//   signals   lexical signals job (tiny-bert tokenizer), vs a read-only pass over the same rows (floor)
//   filter    "copyRatio > 0.8" counts + first page, on the indexed sig_* columns, vs the same filter
//             through json_extract on queries.signals (what schema v1 alone would allow)
//   reject    bulk-reject 100,000 queries as one undoable action (set-based, compact undo log), vs
//             the schema v4 log (one undo row per query, then UPDATE … IN) and vs a naive per-row
//             UPDATE + undo-row INSERT loop in one transaction; then undo. Each starts from a
//             checkpointed WAL, and its own commit (with SQLite's autocheckpoint) is timed.
//   renderer  JS heap of the Curate page in Chromium after scrolling the 300k-query table
//             (bench/curate-renderer.ts), vs the app's start page; skipped without /usr/bin/chromium
//   models    round-trip queries/s and cross-encoder pairs/s on MiniLM-L6-sized BERTs (bench/curate-models.ts)
// Prints one JSON object per comparison as the last lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signalsParamsSchema } from '../shared/services/curation.js';
import { setStatusWhere, undo } from '../src-main/core/curation/actions.js';
import { countQueries, listQueries } from '../src-main/core/curation/queries.js';
import { computeSignals, mirrorSignalsJson } from '../src-main/core/curation/signals-job.js';
import { normalizeQuery } from '../src-main/core/curation/signals.js';
import { createProject } from '../src-main/core/project/store.js';
import { measureRendererMemory } from './curate-renderer.js';
import { timeModelSignals } from './curate-models.js';

const PASSAGES = 100_000;
const QUERIES_PER_PASSAGE = 3;
const TOKENIZER = fileURLToPath(new URL('../test/fixtures/tiny-bert/', import.meta.url));

/** A deterministic pseudo-random word stream (so every run inserts the same corpus). */
function words(seed: number): () => string {
  const vocab = 'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so no what will more can who said its about into them than only other new some could time these two may then first any like now my such make over our even most me state after also made many did must before back see through way where get much go well your know should down work year because come people just both government congress nation war law'.split(' ');
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return vocab[s % vocab.length];
  };
}

/** Wall time, and this process's CPU time (SQLite runs in it): on a shared, loaded machine the CPU time is the steadier number. */
function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, value };
}

function line(metric: string, ours: number, peer: string, peerValue: number): string {
  return JSON.stringify({ bench: 'curate', metric, ours: Math.round(ours * 10) / 10, peer, peer_value: Math.round(peerValue * 10) / 10, ratio: Math.round((ours / peerValue) * 1000) / 1000 });
}

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'genq-bench-curate-'));
  const results: string[] = [];
  try {
    const project = createProject(join(root, 'p'), { appVersion: 'bench' });
    const db = project.db;
    db.prepare("INSERT INTO models (name, role, path) VALUES ('tiny-bert', 'encoder', ?)").run(TOKENIZER);
    const next = words(7);
    const insert = time(() =>
      db.transaction(() => {
        const doc = db.prepare("INSERT INTO documents (title, text) VALUES (?, '')");
        const passage = db.prepare('INSERT INTO passages (document_id, ordinal, text) VALUES (?, ?, ?)');
        const query = db.prepare("INSERT INTO queries (passage_id, text, origin, seq) VALUES (?, ?, 'generated', ?)");
        let docId = 0;
        for (let i = 0; i < PASSAGES; i++) {
          if (i % 20 === 0) docId = Number(doc.run(`document ${i / 20}`).lastInsertRowid);
          const text = Array.from({ length: 60 }, next).join(' ');
          const pid = Number(passage.run(docId, i % 20, text).lastInsertRowid);
          const copied = text.split(' ').slice(5, 12).join(' '); // a copy of the passage
          const own = Array.from({ length: 6 }, next).join(' ');
          const common = `what is the ${next()} of the ${next()}`; // often repeated across the corpus
          [copied, own, common].forEach((q, s) => query.run(pid, q, s));
        }
      })(),
    );
    console.error(`inserted ${PASSAGES} passages × ${QUERIES_PER_PASSAGE} queries in ${insert.ms.toFixed(0)} ms`);

    // --- signals ---
    const floor = time(() => {
      let n = 0;
      for (const [text] of db.prepare('SELECT q.text, p.text FROM queries q JOIN passages p ON p.id = q.passage_id').raw().iterate() as Iterable<[string, string]>) n += normalizeQuery(text).length;
      return n;
    });
    const t0 = performance.now();
    const report = await computeSignals(db, project.dir, signalsParamsSchema.parse({}));
    const signalsMs = performance.now() - t0;
    console.error(`signals: ${signalsMs.toFixed(0)} ms (${report.tokenizer}); read-only floor ${floor.ms.toFixed(0)} ms`);
    results.push(line('lexical_signals_ms_300k_queries', signalsMs, 'read-only pass over the same rows (SELECT + normalise)', floor.ms));

    // --- filter and recount ---
    const filter = { conditions: [{ signal: 'copyRatio' as const, op: '>' as const, value: 0.8 }], match: 'all' as const };
    countQueries(db, filter); // warm the page cache the same way for both sides
    const ours = time(() => ({ counts: countQueries(db, filter), page: listQueries(db, filter, 0, 200) }));

    // --- bulk reject 100k, undo ---
    const firstOfEach = { sql: 'SELECT q.id FROM queries q WHERE q.seq = 0', args: [] };
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bulk = time(() => setStatusWhere(db, firstOfEach, 'rejected', 'bench', 'reject 100k'));
    // What setStatusWhere defers to idle time (the WAL checkpoint of the pages it wrote), timed here.
    const checkpoint = time(() => db.pragma('wal_checkpoint(PASSIVE)'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const undoTime = time(() => undo(db));
    console.error(
      `bulk reject: ${bulk.value.changed} rows in ${bulk.ms.toFixed(0)} ms (${bulk.cpuMs.toFixed(0)} ms CPU), then its deferred checkpoint ${checkpoint.ms.toFixed(0)} ms; undo ${undoTime.ms.toFixed(0)} ms`,
    );
    db.pragma('wal_checkpoint(TRUNCATE)');
    // The schema v4 log as it ran: one undo row per query, and the checkpoint inside the commit.
    const v4Log = time(() =>
      db.transaction(() => {
        const actionId = Number(db.prepare("INSERT INTO curation_actions (kind, label, payload) VALUES ('status', 'v4 log', '{}')").run().lastInsertRowid);
        db.prepare(
          `INSERT INTO curation_action_rows (action_id, query_id, before_status, before_reason)
           SELECT ?, q.id, q.status, q.status_reason FROM queries q WHERE q.id IN (${firstOfEach.sql}) AND q.status != 'rejected'`,
        ).run(actionId);
        return db
          .prepare("UPDATE queries SET status = 'rejected', status_reason = 'bench', updated_at = ? WHERE id IN (SELECT query_id FROM curation_action_rows WHERE action_id = ?)")
          .run(new Date().toISOString(), actionId).changes;
      })(),
    );
    console.error(`schema v4 undo log (one row per query): ${v4Log.value} rows in ${v4Log.ms.toFixed(0)} ms (${v4Log.cpuMs.toFixed(0)} ms CPU)`);
    undo(db);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const naive = time(() =>
      db.transaction(() => {
        const ids = db.prepare('SELECT id, status, status_reason FROM queries WHERE seq = 0').all() as Array<{ id: number; status: string; status_reason: string | null }>;
        const actionId = Number(db.prepare("INSERT INTO curation_actions (kind, label, payload) VALUES ('status', 'naive', '{}')").run().lastInsertRowid);
        const save = db.prepare('INSERT INTO curation_action_rows (action_id, query_id, before_status, before_reason) VALUES (?, ?, ?, ?)');
        const update = db.prepare("UPDATE queries SET status = 'rejected', status_reason = 'bench', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?");
        for (const r of ids) {
          save.run(actionId, r.id, r.status, r.status_reason);
          update.run(r.id);
        }
        return ids.length;
      })(),
    );
    console.error(`naive per-row loop: ${naive.value} rows in ${naive.ms.toFixed(0)} ms`);
    results.push(line('bulk_reject_100k_ms', bulk.ms, 'per-row UPDATE + undo-row INSERT loop in one transaction', naive.ms));
    results.push(line('bulk_reject_100k_ms', bulk.ms, 'schema v4 undo log: one curation_action_rows row per query, then UPDATE … IN, checkpoint in the commit', v4Log.ms));
    results.push(line('bulk_reject_100k_cpu_ms', bulk.cpuMs, 'schema v4 undo log, CPU time', v4Log.cpuMs));
    results.push(line('bulk_reject_100k_plus_checkpoint_ms', bulk.ms + checkpoint.ms, 'schema v4 undo log (checkpoint included there too)', v4Log.ms));
    results.push(line('undo_100k_ms', undoTime.ms, 'the bulk reject itself', bulk.ms));
    // The peer needs the signals as JSON on each row (written only now, so it does not slow the runs above).
    mirrorSignalsJson(db);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const jsonWhere = "json_extract(q.signals, '$.copyRatio') > ?";
    const peer = time(() => ({
      counts: db.prepare(`SELECT q.status, COUNT(*) AS n FROM queries q WHERE ${jsonWhere} GROUP BY q.status`).all(0.8),
      page: db.prepare(`SELECT q.* FROM queries q JOIN passages p ON p.id = q.passage_id WHERE ${jsonWhere} ORDER BY q.passage_id, q.id LIMIT 200`).all(0.8),
    }));
    console.error(`filter copyRatio > 0.8: ${ours.value.counts.total} matched; ${ours.ms.toFixed(1)} ms vs json_extract ${peer.ms.toFixed(1)} ms`);
    results.push(line('filter_and_recount_ms', ours.ms, 'same filter via json_extract on queries.signals', peer.ms));
    project.close();

    // --- renderer memory ---
    const memory = await measureRendererMemory(project.dir);
    if (memory) {
      console.error(`renderer JS heap: start page ${memory.startPageMb.toFixed(1)} MB, Curate after scrolling ${memory.rowsSeen} rows ${memory.curateMb.toFixed(1)} MB`);
      results.push(line('renderer_js_heap_mb_curate_300k', memory.curateMb, "the app's start page, same server and browser", memory.startPageMb));
    }

    // --- model-dependent signals (reported apart: their speed is the model's) ---
    const models = await timeModelSignals(join(root, 'models'));
    console.error(`MiniLM-L6-sized: corpus ${models.corpusPassagesPerS.toFixed(1)} passages/s, round trip ${models.roundtripQueriesPerS.toFixed(1)} queries/s, cross-encoder ${models.crossEncoderPairsPerS.toFixed(1)} pairs/s`);
    results.push(line('roundtrip_queries_per_s_minilm', models.roundtripQueriesPerS, 'embedding the corpus passages (passages/s), same encoder', models.corpusPassagesPerS));
    results.push(line('cross_encoder_pairs_per_s_minilm', models.crossEncoderPairsPerS, 'round-trip queries/s, same-sized BERT', models.roundtripQueriesPerS));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  for (const r of results) console.log(r);
}
