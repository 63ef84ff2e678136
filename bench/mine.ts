// GPL hard-negative mining at a scaled-down size (default 200 passages × 3 queries = 600 queries,
// 1/500 of the 100k / 300k; GENQ_BENCH_MINE_PASSAGES sets the passages, GENQ_BENCH_MINE_THREADS
// the threads. On the 2-core dev machine the default takes ~6 min, 95% of it cross-encoder time, so
// the full size would take days there): the whole mining job (BM25 top-50 +
// dense top-50 with a MiniLM-L6-sized random encoder and exact search, 10 negatives sampled per
// query, MiniLM-L6-sized random cross-encoder labels), 2 onnxruntime threads.
// Lines: triplets/s of the job vs the cross-encoder alone on the same pairs; seconds per part vs
// the whole job (ratio = share); and labelling cost precomputed for every sampled candidate
// (what mine.ts does) vs computed for the one negative drawn per query per epoch (measured: one
// epoch of drawn (q, pos) and (q, neg) pairs in training batches of 32).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { miningParamsSchema } from '../shared/services/mining.js';
import { CrossEncoder } from '../src-main/core/curation/cross-encoder.js';
import { mineHardNegatives } from '../src-main/core/mining/mine.js';
import { projectTriplets } from '../src-main/core/mining/project-triplets.js';
import { createProject } from '../src-main/core/project/store.js';
import { writeCrossEncoderFolder } from './curate-models.js';
import { makeVocab, writeModelFolder } from './embed.js';

const PASSAGES = Number(process.env.GENQ_BENCH_MINE_PASSAGES ?? 200);
const QUERIES_PER_PASSAGE = 3;
const NEGATIVES = 10;
const THREADS = Number(process.env.GENQ_BENCH_MINE_THREADS ?? 2);

function line(metric: string, ours: number, peer: string, peerValue: number): string {
  const r = (x: number, d = 1000) => Math.round(x * d) / d;
  return JSON.stringify({ bench: 'mine', metric, ours: r(ours), peer, peer_value: r(peerValue), ratio: r(ours / peerValue) });
}

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'genq-bench-mine-'));
  const results: string[] = [];
  try {
    const vocab = makeVocab();
    const encoderDir = join(root, 'encoder');
    const crossDir = join(root, 'cross-encoder');
    writeModelFolder(encoderDir, vocab);
    writeCrossEncoderFolder(encoderDir, crossDir);
    const project = createProject(join(root, 'p'), { appVersion: 'bench' });
    const db = project.db;
    const encoderId = Number(db.prepare("INSERT INTO models (name, role, path) VALUES ('minilm-sized', 'encoder', ?)").run(encoderDir).lastInsertRowid);
    const crossId = Number(db.prepare("INSERT INTO models (name, role, path) VALUES ('minilm-sized-ce', 'cross-encoder', ?)").run(crossDir).lastInsertRowid);
    // Passages of 60 words from a 3,000-word slice of the vocabulary (so BM25 finds overlaps);
    // queries of 6 words, 4 from their passage and 2 random.
    let s = 12345;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    const word = () => vocab[2000 + (next() % 3000)];
    db.transaction(() => {
      const doc = Number(db.prepare("INSERT INTO documents (title, text) VALUES ('bench', '')").run().lastInsertRowid);
      const passage = db.prepare('INSERT INTO passages (document_id, ordinal, text) VALUES (?, ?, ?)');
      const query = db.prepare("INSERT INTO queries (passage_id, text, origin, seq) VALUES (?, ?, 'generated', ?)");
      for (let i = 0; i < PASSAGES; i++) {
        const words = Array.from({ length: 60 }, word);
        const pid = Number(passage.run(doc, i, words.join(' ')).lastInsertRowid);
        for (let q = 0; q < QUERIES_PER_PASSAGE; q++) query.run(pid, [0, 1, 2, 3].map(() => words[next() % 60]).concat([word(), word()]).join(' '), q);
      }
    })();
    const queries = PASSAGES * QUERIES_PER_PASSAGE;
    console.error(`mine bench: ${PASSAGES} passages, ${queries} queries, k 50 per retriever, ${NEGATIVES} negatives per query, ${THREADS} threads`);

    const params = miningParamsSchema.parse({ retrievers: [{ kind: 'bm25' }, { kind: 'model', modelId: encoderId }], crossEncoderId: crossId, k: 50, negativesPerQuery: NEGATIVES, seed: 1, threads: THREADS, queriesPerBatch: 256 });
    let lastLog = 0;
    const t0 = performance.now();
    const report = await mineHardNegatives(db, project.dir, params, {
      progress: (u) => {
        if (Date.now() - lastLog < 10_000) return;
        lastLog = Date.now();
        console.error(`  ${u.done}/${u.total} ${u.message ?? ''}`);
      },
    });
    const jobSeconds = (performance.now() - t0) / 1000;
    const timings = report.timings!;
    const pairs = report.triplets + report.queries; // every sampled negative + each positive
    console.error(`mined ${report.triplets} triplets for ${report.queries} queries in ${jobSeconds.toFixed(1)} s: ${JSON.stringify(timings)}; agreement ${report.bm25DenseAgreement}`);
    results.push(line('mine_triplets_per_s', report.triplets / jobSeconds, 'cross-encoder labelling alone, the same pairs (triplets/s)', report.triplets / timings.crossEncoder));
    for (const part of ['bm25', 'dense', 'crossEncoder', 'other'] as const) {
      results.push(line(`mine_seconds_${part}`, timings[part], 'the whole mining job (ratio = share of its time)', jobSeconds));
    }

    // Draw-time labelling for comparison: one epoch of drawn triplets scored in training batches of 32.
    const epoch = projectTriplets(db, { seed: 1, epoch: 0 });
    const ce = await CrossEncoder.load(crossDir, { threads: THREADS });
    try {
      await ce.logits(epoch.slice(0, 8).map((x) => [x.query, x.positive] as const)); // warm-up
      const t = performance.now();
      for (let i = 0; i < epoch.length; i += 32) {
        const batch = epoch.slice(i, i + 32);
        await ce.logits([...batch.map((x) => [x.query, x.positive] as const), ...batch.map((x) => [x.query, x.negative] as const)], { batchSize: 64 });
      }
      const perEpoch = (performance.now() - t) / 1000;
      console.error(`draw-time labels: ${epoch.length} triplets (${2 * epoch.length} pairs) per epoch in ${perEpoch.toFixed(1)} s; precomputed: ${pairs} pairs in ${timings.crossEncoder.toFixed(1)} s`);
      results.push(line('label_seconds_precomputed_all_candidates', timings.crossEncoder, 'labels computed when drawn, 1 epoch (q,pos)+(q,neg) per query, measured', perEpoch));
      // With the positive's score cached, E epochs of draw-time labels cost (E + 1)/2 of that epoch.
      const breakEven = timings.crossEncoder / (perEpoch / 2) - 1;
      results.push(line('label_break_even_epochs', breakEven, 'epochs of ONE training run beyond which precomputing all sampled candidates is cheaper than draw-time labels (at the measured rates), vs the negatives kept per query', NEGATIVES));
    } finally {
      await ce.release();
    }
    project.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  for (const r of results) console.log(r);
}
