// Prefixes for encoders that expect them (E5's "query: " / "passage: ", BGE's instruction): read
// from a folder's config_sentence_transformers.json, set per project model, and put before the
// texts in every path that embeds for a project model. Each path is checked by recording the
// texts the encoder is asked to embed, so a path that drops a prefix fails here.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mapBuildParamsSchema } from '../../../../shared/services/search.js';
import { computeSignals } from '../../../../src-main/core/curation/signals-job.js';
import { runEvaluation } from '../../../../src-main/core/eval/run-eval.js';
import { projectDenseRetriever } from '../../../../src-main/core/eval/retrievers.js';
import { buildIndexForModel } from '../../../../src-main/core/index/build-for-model.js';
import { loadIndex } from '../../../../src-main/core/index/index-store.js';
import mapJob from '../../../../src-main/core/index/map-job.js';
import { Embedder } from '../../../../src-main/core/models/embedder.js';
import { loadModelFolder, ModelFolderError } from '../../../../src-main/core/models/folder.js';
import { exportPrompts, folderPrefixes, prefixDevSet, prefixPairs, projectModelPrefixes } from '../../../../src-main/core/models/prefixes.js';
import { projectModelHash } from '../../../../src-main/core/models/project-encoder.js';
import { exportSentenceTransformerArrays } from '../../../../src-main/core/training/export.js';
import { loadWeights } from '../../../../src-main/core/models/folder.js';
import type { CliContext } from '../../../../src-main/cli/context.js';
import { runEmbed } from '../../../../src-main/cli/commands/embed.js';
import { trainInputs } from '../../../../src-main/cli/train-inputs.js';
import { trainingRunParamsSchema, type TrainingResult } from '../../../../shared/services/training.js';
import { servicesOnNewProject, type TestServices } from '../../../helpers/services.js';
import { servicesOnNewProject as servicesOnDist } from '../../../helpers/services-compiled.js';
import { addTinyBert, seedPairs } from '../training/training-fixture.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tinyBert = fileURLToPath(new URL('../../../fixtures/tiny-bert', import.meta.url));
const beirFixture = fileURLToPath(new URL('../../../fixtures/beir-sotu-mini', import.meta.url));
const tempDir = useTempDirs('genq-prefixes-');

/** tiny-bert with a config_sentence_transformers.json holding these prompts. */
function withPrompts(prompts: Record<string, string>, defaultPromptName: string | null = null): string {
  const dir = join(tempDir(), 'model');
  cpSync(tinyBert, dir, { recursive: true });
  writeFileSync(join(dir, 'config_sentence_transformers.json'), JSON.stringify({ prompts, default_prompt_name: defaultPromptName }));
  return dir;
}

/** Records every text handed to Embedder.embed (embedQueries / embedPassages go through it). */
function recordEmbeds(): { texts: string[]; stop(): void } {
  const texts: string[] = [];
  const original = Embedder.prototype.embed;
  const spy = vi.spyOn(Embedder.prototype, 'embed').mockImplementation(function (this: Embedder, batch, opts) {
    texts.push(...batch);
    return original.call(this, batch, opts);
  });
  return { texts, stop: () => spy.mockRestore() };
}

describe('prefixes of a model folder', () => {
  it('reads prompts and default_prompt_name as sentence-transformers does', () => {
    const e5 = loadModelFolder(withPrompts({ query: 'query: ', passage: 'passage: ' }));
    expect(e5.prompts).toEqual({ query: 'query: ', passage: 'passage: ' });
    expect(folderPrefixes(e5)).toEqual({ query: 'query: ', passage: 'passage: ' });
    // BGE: an instruction for queries only.
    const bge = loadModelFolder(withPrompts({ query: 'Represent this sentence for searching relevant passages: ' }));
    expect(folderPrefixes(bge)).toEqual({ query: 'Represent this sentence for searching relevant passages: ', passage: '' });
    // "document" names the passage side too; the default prompt covers a side without its own.
    expect(folderPrefixes(loadModelFolder(withPrompts({ query: 'q: ', document: 'd: ' })))).toEqual({ query: 'q: ', passage: 'd: ' });
    expect(folderPrefixes(loadModelFolder(withPrompts({ query: 'q: ', any: 'all: ' }, 'any')))).toEqual({ query: 'q: ', passage: 'all: ' });
    expect(folderPrefixes(loadModelFolder(tinyBert))).toEqual({ query: '', passage: '' });
    expect(() => loadModelFolder(withPrompts({ query: 'q: ' }, 'passage'))).toThrow(ModelFolderError);
  });

  it('embeds queries and passages with their prefixes, and plain text without', async () => {
    const embedder = await Embedder.load(withPrompts({ query: 'query: ', passage: 'passage: ' }), { cacheDir: join(tempDir(), 'graphs') });
    try {
      const [plain, asQuery, asPassage, byHand] = await Promise.all([
        embedder.embed(['whales']),
        embedder.embedQueries(['whales']),
        embedder.embedPassages(['whales']),
        embedder.embed(['query: whales']),
      ]);
      expect(Array.from(asQuery[0])).toEqual(Array.from(byHand[0]));
      expect(Array.from(asQuery[0])).not.toEqual(Array.from(plain[0]));
      expect(Array.from(asPassage[0])).not.toEqual(Array.from(asQuery[0]));
    } finally {
      await embedder.release();
    }
  });

  it('prefixes training pairs and the dev set, and writes the prefixes into an exported folder', () => {
    const p = { query: 'query: ', passage: 'passage: ' };
    expect(prefixPairs([{ query: 'a', passage: 'b' }], p)).toEqual([{ query: 'query: a', passage: 'passage: b' }]);
    const dev = prefixDevSet({ queries: [{ id: 'q1', text: 'a' }], corpus: [{ id: '1', text: 'b' }], qrels: {} }, p);
    expect(dev).toEqual({ queries: [{ id: 'q1', text: 'query: a' }], corpus: [{ id: '1', text: 'passage: b' }], qrels: {} });

    const source = loadModelFolder(withPrompts({ query: 'old: ', classification: 'classify: ' }, 'classification'));
    const out = join(tempDir(), 'tuned');
    exportSentenceTransformerArrays(source, loadWeights(source), out, { maxSeqLength: 32, ...exportPrompts(source, p) });
    const written = JSON.parse(readFileSync(join(out, 'config_sentence_transformers.json'), 'utf8'));
    // SentenceTransformer(out).encode(q, prompt_name="query") puts "query: " first.
    expect(written.prompts).toEqual({ classification: 'classify: ', query: 'query: ', passage: 'passage: ' });
    expect(written.default_prompt_name).toBe('classification');
    expect(folderPrefixes(loadModelFolder(out))).toEqual(p);
  });
});

describe('every project path applies the project prefixes', () => {
  let s: TestServices;
  let modelId: number;
  const Q = 'query: ';
  const P = 'passage: ';
  beforeAll(async () => {
    s = await servicesOnNewProject(tempDir());
    const db = s.projects.require().project.db;
    const doc = db.prepare("INSERT INTO documents (title, text) VALUES ('Log', 'x')").run().lastInsertRowid;
    const passage = db.prepare('INSERT INTO passages (document_id, ordinal, text, split) VALUES (?, ?, ?, ?)');
    const query = db.prepare("INSERT INTO queries (passage_id, text, origin, status) VALUES (?, ?, 'generated', 'pending')");
    ['The whale surfaced near the ship.', 'Congress passed the budget.', 'Banks raised interest rates.'].forEach((t, i) => {
      const id = passage.run(doc, i, t, i === 2 ? 'eval' : 'train').lastInsertRowid;
      query.run(id, `question ${i}`);
    });
    // tiny-bert has no prompts of its own: only the project's prefixes can put them there.
    modelId = (await s.impl.models.add({ dir: tinyBert, name: 'tiny', queryPrefix: Q, passagePrefix: P })).id;
  });
  afterAll(() => s.dispose());
  const project = () => s.projects.require().project;

  it('keeps them on the model and lets them be changed or reset to the folder', async () => {
    const [model] = await s.impl.models.list({});
    expect(model).toMatchObject({ prefixes: { query: Q, passage: P }, prefixesFrom: 'project' });
    const hash = await projectModelHash(project().db, { id: modelId, path: tinyBert });
    expect(await s.impl.models.setPrefixes({ id: modelId, query: null, passage: null })).toMatchObject({ prefixes: { query: '', passage: '' }, prefixesFrom: 'folder' });
    // An index built with other prefixes is another model version.
    expect(await projectModelHash(project().db, { id: modelId, path: tinyBert })).not.toBe(hash);
    await s.impl.models.setPrefixes({ id: modelId, query: Q, passage: P });
    expect(projectModelPrefixes(project().db, modelId)).toEqual({ query: Q, passage: P });
  });

  it('index: passages; search and held-out evaluation: queries', async () => {
    const { dir, db } = project();
    const rec = recordEmbeds();
    try {
      await buildIndexForModel(dir, db, { modelId, rebuild: true, batchSize: 8 } as never);
      expect(rec.texts.sort()).toEqual([`${P}Banks raised interest rates.`, `${P}Congress passed the budget.`, `${P}The whale surfaced near the ship.`].sort());
      // The stored vector is the prefixed passage's.
      const { index } = loadIndex(dir, modelId);
      const plain = await Embedder.load(tinyBert, { cacheDir: join(dir, 'models') });
      const [expected] = await plain.embed([`${P}The whale surfaced near the ship.`]);
      await plain.release();
      const unit = (v: Float32Array) => {
        const norm = Math.hypot(...v);
        return Array.from(v, (x) => (x / norm).toFixed(5));
      };
      expect(unit(index.vectorOf(1))).toEqual(unit(expected)); // stored for cosine: unit length

      rec.texts.length = 0;
      const dense = await projectDenseRetriever(dir, db, modelId);
      await dense.search('whales', 2);
      await dense.release();
      expect(rec.texts).toEqual([`${Q}whales`]);

      rec.texts.length = 0;
      await s.impl.search.query({ retriever: modelId, query: 'budget', k: 1 });
      expect(rec.texts).toEqual([`${Q}budget`]);

      rec.texts.length = 0;
      await runEvaluation({ projectDir: dir, db, retrievers: [{ kind: 'model', modelId }], record: false });
      expect(rec.texts.length).toBeGreaterThan(0);
      expect(rec.texts.every((t) => t === `${Q}question 2`)).toBe(true); // the held-out query, and the HNSW recall check
    } finally {
      rec.stop();
    }
  });

  it('BEIR evaluation: documents and queries', async () => {
    const { dir, db } = project();
    const rec = recordEmbeds();
    try {
      await runEvaluation({ projectDir: dir, db, retrievers: [{ kind: 'model', modelId }], beirDir: beirFixture, record: false });
    } finally {
      rec.stop();
    }
    const corpus = readFileSync(join(beirFixture, 'corpus.jsonl'), 'utf8').trim().split('\n').length;
    expect(rec.texts.filter((t) => t.startsWith(P))).toHaveLength(corpus);
    expect(rec.texts.filter((t) => !t.startsWith(P)).every((t) => t.startsWith(Q))).toBe(true);
    expect(rec.texts.some((t) => t.startsWith(Q))).toBe(true);
  });

  it('round-trip signal: passages and queries', async () => {
    const { dir, db } = project();
    const rec = recordEmbeds();
    try {
      await computeSignals(db, dir, { lexical: false, roundtrip: modelId, roundtripK: 3, nearDupThreshold: 0.9 } as never);
    } finally {
      rec.stop();
    }
    const queries = rec.texts.filter((t) => t.startsWith(Q));
    expect(queries.sort()).toEqual([`${Q}question 0`, `${Q}question 1`, `${Q}question 2`]);
    // Passages come from the saved index (built above with the same prefixes) or are embedded with theirs.
    expect(rec.texts.every((t) => t.startsWith(Q) || t.startsWith(P))).toBe(true);
  });

  it('embedding map: queries', async () => {
    const { dir, db } = project();
    const rec = recordEmbeds();
    try {
      await mapJob.run({
        jobId: 0, params: mapBuildParamsSchema.parse({ modelId, nNeighbors: 2 }), checkpoint: null, projectDir: dir, db,
        signal: new AbortController().signal, progress: () => {}, saveCheckpoint: () => {}, log: () => {}, metric: () => {},
      });
    } finally {
      rec.stop();
    }
    expect(rec.texts.length).toBeGreaterThan(0);
    expect(rec.texts.every((t) => t.startsWith(Q))).toBe(true);
  });

  /** A CLI context whose openProject hands out this test's open project. */
  const cliContext = (lines: string[]): CliContext => ({
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    openProject: async () => {
      const session = s.projects.require();
      return { services: s, info: session.project.info, dir: session.project.dir, db: session.project.db, runner: session.runner };
    },
    services: async () => s,
    dispose: async () => {},
  });

  it('genq train: pairs prefixed for the base model, the prefixes kept for the export', async () => {
    const lines: string[] = [];
    const inputs = await trainInputs({ model: 'tiny', project: s.dir }, cliContext(lines));
    expect(inputs.prefixes).toEqual({ query: Q, passage: P });
    expect(inputs.pairs.map((p) => [p.query, p.passage])).toEqual([
      [`${Q}question 0`, `${P}The whale surfaced near the ship.`],
      [`${Q}question 1`, `${P}Congress passed the budget.`],
    ]);
    expect(inputs.summary).toBe(`2 pairs on training passages (0 accepted, 2 pending), query prefix "${Q}", passage prefix "${P}"`);
  });

  it('genq embed --prompt-name: the project prefix before each line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.txt'), 'whales\nbudget\n');
    await runEmbed(
      { model: 'tiny', project: s.dir, promptName: 'query', input: join(dir, 'in.txt'), output: join(dir, 'out.jsonl'), batchSize: 4, provider: 'cpu' },
      cliContext([]),
    );
    const rows = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; embedding: number[] });
    const plain = await Embedder.load(tinyBert, { cacheDir: join(dir, 'graphs') });
    const [expected, unprefixed] = await plain.embed([`${Q}whales`, 'whales']);
    await plain.release();
    expect(rows[0].text).toBe('whales');
    expect(rows[0].embedding.map((x) => x.toFixed(5))).toEqual(Array.from(expected, (x) => x.toFixed(5)));
    expect(rows[0].embedding.map((x) => x.toFixed(5))).not.toEqual(Array.from(unprefixed, (x) => x.toFixed(5)));
  });
});

describe('training with prefixes (the Train page job)', () => {
  const settings = { batchSize: 4, steps: 2, maxSeqLength: 32, checkpointEvery: 1, keepCheckpoints: 10, backend: 'wasm' as const, dropout: 0 };
  /** Trains 2 steps on the same pairs, with or without prefixes; the result and the services (disposed by the caller). */
  async function trainTiny(prefixes: { query: string; passage: string } | null) {
    // Compiled services when dist is fresh (the job's worker skips tsx); the describe above needs the
    // source ones, as its spy on Embedder sees only the source module's calls.
    const s = await servicesOnDist(tempDir());
    const db = s.projects.require().project.db;
    const baseId = addTinyBert(db);
    seedPairs(db, { train: 4, evalPassages: 1 });
    if (prefixes) await s.impl.models.setPrefixes({ id: baseId, ...prefixes });
    const job = await s.finished((await s.impl.training.start(trainingRunParamsSchema.parse({ modelId: baseId, settings, outputName: 'tuned' }))).id);
    expect(job.error).toBeNull();
    return { s, result: job.result as TrainingResult };
  }

  /** The prefixed run, made once for both tests below (whichever comes first); its services closed after them. */
  let prefixedRun: ReturnType<typeof trainTiny> | undefined;
  const prefixed = () => (prefixedRun ??= trainTiny({ query: 'query: ', passage: 'passage: ' }));
  afterAll(async () => {
    if (prefixedRun) await (await prefixedRun).s.dispose();
  });

  it('trains on prefixed pairs: the losses differ from the same run without prefixes', { timeout: 120_000 }, async () => {
    const plain = await trainTiny(null);
    await plain.s.dispose();
    const { result } = await prefixed();
    expect(result.finalLoss).not.toBeCloseTo(plain.result.finalLoss!, 6);
  });

  it('writes the base model\'s project prefixes into the tuned folder and into exported checkpoints', { timeout: 120_000 }, async () => {
    const { s, result } = await prefixed();
    const prompts = (dir: string) => JSON.parse(readFileSync(join(dir, 'config_sentence_transformers.json'), 'utf8')).prompts;
    expect(prompts(result.modelPath)).toEqual({ query: 'query: ', passage: 'passage: ' });
    // The tuned model embeds with them in the project without anyone setting them again.
    const tuned = (await s.impl.models.list({})).find((m) => m.id === result.modelId)!;
    expect(tuned).toMatchObject({ prefixes: { query: 'query: ', passage: 'passage: ' }, prefixesFrom: 'folder' });
    const fromCheckpoint = await s.impl.training.exportCheckpoint({ runId: result.runId, checkpoint: 'step-0000001' });
    expect(prompts(fromCheckpoint.path)).toEqual({ query: 'query: ', passage: 'passage: ' });
  });
});
