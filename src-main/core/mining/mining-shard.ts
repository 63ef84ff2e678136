// One batch of mined queries, cut in the two halves that can run on different machines:
//   pickBatchNegatives (needs the project: retrievers over its passages, texts from its database)
//     → MiningShardQuery[]: each query's text, its positive and sampled negatives as TEXTS, plus
//       the candidate facts (ids, retriever flags and ranks, pool size) carried along unchanged;
//   scoreMiningShard (needs only a cross-encoder: what a `genq worker` runs, without the database)
//     → MinedQueryRow[]: CE(q, pos) and CE(q, neg) as raw logits, ready for insertMinedQueries.
// The in-process job and the workers call the same scoreMiningShard on the same batches with the
// same pair order and batch size, so their margins agree up to the float noise of another machine.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { CrossEncoder } from '../curation/cross-encoder.js';
import { pickNegatives, unionCandidates } from './candidates.js';
import type { MiningRetrieverHandle } from './retrievers.js';
import type { MinedQueryRow } from './store.js';

/** Queries whose negatives are mined: not rejected, on training-split passages that are not duplicates. */
export const MINED_QUERIES = "FROM queries q JOIN passages p ON p.id = q.passage_id WHERE q.status != 'rejected' AND p.split = 'train' AND p.duplicate_of IS NULL";

export const miningShardQuerySchema = z.object({
  queryId: z.number().int(),
  text: z.string(),
  positive: z.object({ id: z.number().int(), text: z.string() }),
  /** Size of the retrievers' union (after exclusions) the negatives were sampled from. */
  pool: z.number().int().min(0),
  negatives: z.array(z.object({ passageId: z.number().int(), text: z.string(), foundBy: z.number().int(), ranks: z.array(z.number().int().nullable()) })),
});
export type MiningShardQuery = z.infer<typeof miningShardQuerySchema>;

export interface BatchQuery {
  id: number;
  text: string;
  passageId: number;
  positive: string;
}

export interface BatchTimings {
  bm25: number;
  dense: number;
  other: number;
}

/** The query rows of `ids` that are still minable, in id order. */
export function batchQueries(db: Database.Database, ids: readonly number[]): BatchQuery[] {
  return db
    .prepare(`SELECT q.id, q.text, q.passage_id AS passageId, p.text AS positive ${MINED_QUERIES} AND q.id IN (SELECT value FROM json_each(?)) ORDER BY q.id`)
    .all(JSON.stringify(ids)) as BatchQuery[];
}

/** Retrieval, union, exclusions and the seeded draw for one batch (timings added to `timings`). */
export async function pickBatchNegatives(
  db: Database.Database,
  retrievers: readonly MiningRetrieverHandle[],
  batch: readonly BatchQuery[],
  opts: { k: number; negativesPerQuery: number; seed: number },
  timings: BatchTimings = { bm25: 0, dense: 0, other: 0 },
): Promise<MiningShardQuery[]> {
  const rankings: number[][][] = []; // [retriever][query][rank] → passage id
  for (const r of retrievers) {
    const t = performance.now();
    rankings.push(await r.search(batch.map((q) => q.text), opts.k));
    timings[r.kind === 'bm25' ? 'bm25' : 'dense'] += (performance.now() - t) / 1000;
  }
  const t = performance.now();
  const unions = batch.map((_, i) => unionCandidates(rankings.map((perQuery) => perQuery[i])));
  const ids = [...new Set(unions.flatMap((u) => u.map((c) => c.passageId)))];
  const rows = db.prepare('SELECT id, text FROM passages WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as Array<{ id: number; text: string }>;
  const texts = new Map(rows.map((p) => [p.id, p.text]));
  const out = batch.map((q, i) => {
    const pick = pickNegatives(unions[i], { id: q.passageId, text: q.positive }, (id) => texts.get(id)!, { n: opts.negativesPerQuery, seed: opts.seed, queryId: q.id });
    return {
      queryId: q.id,
      text: q.text,
      positive: { id: q.passageId, text: q.positive },
      pool: pick.pool,
      negatives: pick.negatives.map((c) => ({ passageId: c.passageId, text: texts.get(c.passageId)!, foundBy: c.foundBy, ranks: c.ranks })),
    };
  });
  timings.other += (performance.now() - t) / 1000;
  return out;
}

/** CE(q, pos) and CE(q, neg) for a shard in ONE logits call: positives first, then each query's negatives. */
export async function scoreMiningShard(crossEncoder: CrossEncoder, queries: readonly MiningShardQuery[], batchSize: number): Promise<MinedQueryRow[]> {
  const pairs: Array<[string, string]> = queries.map((q) => [q.text, q.positive.text]);
  queries.forEach((q) => q.negatives.forEach((n) => pairs.push([q.text, n.text])));
  const logits = await crossEncoder.logits(pairs, { batchSize });
  let at = queries.length;
  return queries.map((q, i) => ({
    queryId: q.queryId,
    positiveId: q.positive.id,
    cePositive: logits[i],
    pool: q.pool,
    negatives: q.negatives.map((n) => ({ passageId: n.passageId, foundBy: n.foundBy, ranks: n.ranks, ceScore: logits[at++] })),
  }));
}
