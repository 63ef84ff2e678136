// Fault injection: each stage runs in a child process that is killed with SIGKILL at a seeded
// random moment (or runs beside a second process doing the same), and afterwards the project
// must be intact: PRAGMA integrity_check ok, and counts exact (every imported document whole and
// there once, every passage exactly its N generated sequences, every bulk curation action all or
// nothing, training resumed onto the uninterrupted run's weights).
// Short form (part of `npm test`): one iteration per scenario, training left to the long form.
// Long form: `npm run test:faults` (GENQ_FAULT_ITERATIONS, default 10 there; GENQ_FAULT_SEED).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GenerationResult } from '../../shared/services/generation.js';
import { trainingRunParamsSchema, type TrainingResult, type TrainingRunParamsInput } from '../../shared/services/training.js';
import { mulberry32 } from '../../src-main/core/app/mulberry32.js';
import { servicesOnNewProject } from '../helpers/services-compiled.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { insertPassages, TINY_T5 } from '../src-main/core/generation/project-fixture.js';
import { addTinyBert, seedPairs } from '../src-main/core/training/training-fixture.js';
import { brokenDocuments, FaultLog, faultSeed, integrity, iterations, scalar, startStage, withDb } from './harness.js';

const tempDir = useTempDirs('genq-faults-');
const N = iterations(1);
const long = N > 1 || process.env.GENQ_FAULT_TRAINING === '1';
const rng = mulberry32(faultSeed());
const logs: Array<[string, FaultLog]> = [];
afterAll(() => {
  for (const [stage, log] of logs) console.log(log.summary(stage));
});
function faultLog(stage: string): FaultLog {
  const log = new FaultLog();
  logs.push([stage, log]);
  return log;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const WORDS = 'whale ship captain sea voyage harpoon crew ocean storm island deck sail night morning letter house river city king nation'.split(' ');

/** `files` JSONL files of `docs` documents each, long enough for several passages per document. */
function writeCorpus(root: string, files: number, docs: number): { paths: string[]; total: number } {
  const paths: string[] = [];
  for (let f = 0; f < files; f++) {
    const lines: string[] = [];
    for (let d = 0; d < docs; d++) {
      const len = 200 + ((d * 37 + f * 11) % 500);
      const words = Array.from({ length: len }, (_, k) => WORDS[(d * 7 + k * 3 + f) % WORDS.length]);
      lines.push(JSON.stringify({ _id: `f${f}-d${d}`, text: `File ${f} document ${d}. ${words.join(' ')}.` }));
    }
    const path = join(root, `part-${f}.jsonl`);
    writeFileSync(path, lines.join('\n'));
    paths.push(path);
  }
  return { paths, total: files * docs };
}

/** The checks every import scenario ends with. */
function checkImport(log: FaultLog, dir: string, total: number, what: string): void {
  log.expect(integrity(dir) === 'ok', `${what}: integrity_check failed`);
  withDb(dir, (db) => {
    const docs = scalar(db, 'SELECT count(*) FROM documents');
    const distinct = scalar(db, 'SELECT count(DISTINCT external_id) FROM documents');
    log.expect(docs === total && distinct === total, `${what}: ${docs} documents (${distinct} distinct), expected ${total}`);
    log.expect(brokenDocuments(db) === 0, `${what}: ${brokenDocuments(db)} half-written documents`);
    const fts = scalar(db, 'SELECT count(*) FROM passages_fts_docsize');
    const passages = scalar(db, 'SELECT count(*) FROM passages');
    log.expect(fts === passages, `${what}: ${fts} FTS rows for ${passages} passages`);
  });
}

describe('fault injection', () => {
  it(`import: kill -9 at a random point, resume (${N} iteration(s))`, async () => {
    const log = faultLog('import kill -9');
    for (let i = 0; i < N; i++) {
      log.iterations++;
      const root = tempDir();
      const { paths, total } = writeCorpus(root, 3, 600);
      const setup = await servicesOnNewProject(root);
      await setup.dispose();
      // Chunks of ~20 ms, so that most kills land inside a file with some of it committed.
      const child = startStage(setup.dir, 'corpus', 'startImport', { paths }, undefined, { GENQ_IMPORT_CHUNK_MS: '20' });
      const { jobId } = await child.first;
      const delay = Math.round(100 + rng() * 2500);
      await sleep(delay);
      await child.kill();
      const what = `iteration ${i} (killed ${delay} ms after start)`;
      log.expect(integrity(setup.dir) === 'ok', `${what}: integrity_check after the kill`);
      withDb(setup.dir, (db) => log.expect(brokenDocuments(db) === 0, `${what}: half-written documents after the kill`));
      const s = await servicesOnNewProject(root);
      try {
        const job = await s.impl.jobs.get({ id: jobId! });
        if (job.state !== 'done') {
          await s.impl.jobs.resume({ id: jobId! });
          const end = await s.finished(jobId!);
          log.expect(end.state === 'done', `${what}: resumed import ended ${end.state} ${end.error?.message ?? ''}`);
          const lines = (await s.impl.jobs.logs({ id: jobId!, limit: 500 })).map((l) => l.message);
          log.note(lines.some((m) => m.includes('continuing after the')) ? 'resumed inside a file' : 'resumed between files');
        } else log.note('finished before the kill');
      } finally {
        await s.dispose();
      }
      checkImport(log, setup.dir, total, what);
    }
    expect(log.failures).toEqual([]);
  }, 60_000 * N);

  it(`import: two processes import the same files at once (${N} iteration(s))`, async () => {
    const log = faultLog('import pair');
    for (let i = 0; i < N; i++) {
      log.iterations++;
      const root = tempDir();
      const { paths, total } = writeCorpus(root, 3, 300);
      const setup = await servicesOnNewProject(root);
      await setup.dispose();
      const a = startStage(setup.dir, 'corpus', 'startImport', { paths });
      await sleep(Math.round(rng() * 1500));
      const b = startStage(setup.dir, 'corpus', 'startImport', { paths });
      await Promise.all([a.exited, b.exited]);
      for (const c of [a, b]) log.expect(c.lines.at(-1)?.state === 'done', `iteration ${i}: an import ended ${JSON.stringify(c.lines.at(-1))}`);
      checkImport(log, setup.dir, total, `iteration ${i}`);
    }
    expect(log.failures).toEqual([]);
  }, 60_000 * N);

  it(`generation: kill -9 at a random point, resume; every passage exactly 3 sequences (${N} iteration(s))`, async () => {
    const log = faultLog('generation kill -9');
    for (let i = 0; i < N; i++) {
      log.iterations++;
      const root = tempDir();
      const setup = await servicesOnNewProject(root);
      insertPassages(setup.projects.require().project.db, 50);
      const model = await setup.impl.models.add({ dir: TINY_T5, role: 'generator' });
      await setup.dispose();
      const params = { modelId: model.id, scope: { kind: 'all' }, settings: { numQueries: 3, maxLength: 24, minLength: 24, seed: 3 + i, batchSize: 2 }, threads: 1 };
      const child = startStage(setup.dir, 'generation', 'start', params);
      const { jobId } = await child.first;
      const delay = Math.round(500 + rng() * 4000);
      await sleep(delay);
      await child.kill();
      const what = `iteration ${i} (killed ${delay} ms after start)`;
      log.expect(integrity(setup.dir) === 'ok', `${what}: integrity_check after the kill`);
      const s = await servicesOnNewProject(root);
      try {
        const job = await s.impl.jobs.get({ id: jobId! });
        const end = job.state === 'done' ? job : (await s.impl.jobs.resume({ id: jobId! }), await s.finished(jobId!));
        log.expect(end.state === 'done', `${what}: resumed generation ended ${end.state} ${end.error?.message ?? ''}`);
        const r = end.result as GenerationResult | null;
        if (r) {
          const db = s.projects.require().project.db;
          const rows = scalar(db, 'SELECT count(*) FROM queries WHERE run_id = ?', r.runId);
          log.expect(r.passages === 49, `${what}: ${r.passages} passages generated, expected 49`);
          log.expect(rows + r.duplicates + r.empty === 49 * 3, `${what}: ${rows} kept + ${r.duplicates} + ${r.empty} removed ≠ 49 × 3`);
          log.expect(scalar(db, 'SELECT max(n) FROM (SELECT count(*) n FROM queries GROUP BY passage_id)') <= 3, `${what}: a passage has more than 3 queries`);
          log.expect(scalar(db, 'SELECT count(*) FROM (SELECT 1 FROM queries GROUP BY passage_id, seq HAVING count(*) > 1)') === 0, `${what}: a sequence stored twice`);
        }
      } finally {
        await s.dispose();
      }
      log.expect(integrity(setup.dir) === 'ok', `${what}: integrity_check after the resume`);
    }
    expect(log.failures).toEqual([]);
  }, 60_000 * N);

  it(`curation bulk actions: kill -9 mid-loop, and two processes at once; each action all or nothing (${N} iteration(s))`, async () => {
    const log = faultLog('curation bulk');
    for (let i = 0; i < N; i++) {
      log.iterations++;
      const root = tempDir();
      const setup = await servicesOnNewProject(root);
      seedPairs(setup.projects.require().project.db, { train: 400, evalPassages: 0, queriesPer: 5 });
      await setup.dispose();
      const flips = [{ status: 'rejected' }, { status: 'accepted' }];
      const queries = withDb(setup.dir, (db) => scalar(db, 'SELECT count(*) FROM queries'));
      // One process flipping every query's status, killed at a random moment.
      const killed = startStage(setup.dir, 'curation', 'setStatus', flips, 1000);
      await killed.first;
      const delay = Math.round(200 + rng() * 3000);
      await sleep(delay);
      await killed.kill();
      const what = `iteration ${i} (killed ${delay} ms in)`;
      // A call that found nothing to change logs no action (actionId null).
      const acted = (lines: typeof killed.lines) => lines.filter((l) => (l.value as { actionId?: number | null } | undefined)?.actionId != null).length;
      const done = acted(killed.lines);
      const checkAllOrNothing = (stage: string) =>
        withDb(setup.dir, (db) => {
          log.expect(String(db.pragma('integrity_check', { simple: true })) === 'ok', `${what} ${stage}: integrity_check`);
          const statuses = scalar(db, 'SELECT count(DISTINCT status) FROM queries');
          log.expect(statuses === 1, `${what} ${stage}: queries in ${statuses} statuses after whole-table actions`);
          const partial = scalar(db, "SELECT count(*) FROM curation_actions WHERE kind = 'status' AND row_count NOT IN (0, ?)", queries);
          log.expect(partial === 0, `${what} ${stage}: ${partial} actions that changed only part of the table`);
          return scalar(db, "SELECT count(*) FROM curation_actions WHERE kind = 'status'");
        });
      const logged = checkAllOrNothing('after kill');
      log.expect(logged === done || logged === done + 1, `${what}: ${logged} actions logged, ${done} reported`);
      // Two processes at once: every call succeeds (busy writes wait and retry), none is lost.
      const a = startStage(setup.dir, 'curation', 'setStatus', flips, 15);
      const b = startStage(setup.dir, 'curation', 'setStatus', [...flips].reverse(), 15);
      await Promise.all([a.exited, b.exited]);
      const failed = [...a.lines, ...b.lines].filter((l) => l.error);
      log.expect(failed.length === 0, `${what}: ${failed.length} bulk calls failed beside another process: ${JSON.stringify(failed[0]?.error)}`);
      const after = checkAllOrNothing('after the pair');
      const reported = acted(a.lines) + acted(b.lines);
      log.expect(a.lines.length + b.lines.length === 32, `${what}: the pair reported ${a.lines.length + b.lines.length - 2} of 30 calls`);
      log.expect(after === logged + reported, `${what}: ${after - logged} actions logged by the pair, ${reported} reported`);
    }
    expect(log.failures).toEqual([]);
  }, 90_000 * N);

  it.runIf(long)(`training: kill -9 at a random point, resume onto the uninterrupted run's weights (${N} iteration(s))`, async () => {
    const log = faultLog('training kill -9');
    const root = tempDir();
    const prep = await servicesOnNewProject(root);
    const baseId = addTinyBert(prep.projects.require().project.db);
    seedPairs(prep.projects.require().project.db, { train: 12, evalPassages: 3 });
    await prep.dispose();
    const input: TrainingRunParamsInput = {
      modelId: baseId,
      settings: { batchSize: 4, epochs: 1, steps: 24, lr: 5e-4, maxSeqLength: 32, checkpointEvery: 4, keepCheckpoints: 2, backend: 'wasm' },
    };
    const ref = await servicesOnNewProject(root);
    let reference: Buffer;
    try {
      const end = await ref.finished((await ref.impl.training.start(trainingRunParamsSchema.parse(input))).id);
      reference = readFileSync(join((end.result as TrainingResult).modelPath, 'model.safetensors'));
    } finally {
      await ref.dispose();
    }
    for (let i = 0; i < N; i++) {
      log.iterations++;
      const child = startStage(prep.dir, 'training', 'start', input);
      const { jobId } = await child.first;
      const delay = Math.round(rng() * 6000);
      await sleep(delay);
      await child.kill();
      const what = `iteration ${i} (killed ${delay} ms after start)`;
      log.expect(integrity(prep.dir) === 'ok', `${what}: integrity_check after the kill`);
      const s = await servicesOnNewProject(root);
      try {
        const job = await s.impl.jobs.get({ id: jobId! });
        const end = job.state === 'done' ? job : (await s.impl.jobs.resume({ id: jobId! }), await s.finished(jobId!));
        log.expect(end.state === 'done', `${what}: resumed training ended ${end.state} ${end.error?.message ?? ''}`);
        const r = end.result as TrainingResult | null;
        if (r) {
          log.expect(r.steps === 24, `${what}: ${r.steps} steps`);
          log.expect(readFileSync(join(r.modelPath, 'model.safetensors')).equals(reference), `${what}: weights differ from the uninterrupted run`);
        }
      } finally {
        await s.dispose();
      }
    }
    expect(log.failures).toEqual([]);
  }, 120_000 * Math.max(1, N));
});

