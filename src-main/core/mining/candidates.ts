// From the retrievers' top-k lists of one query to its sampled hard negatives: the union (with
// which retrievers found each passage, at which rank), minus the query's own passage and any
// passage whose normalised text equals the positive's (a copy of the positive is no negative),
// then `n` drawn without replacement with the query's own seeded stream.
import { normaliseText } from '../corpus/dedupe.js';
import { sampleWithoutReplacement } from './draws.js';

export interface Candidate {
  passageId: number;
  /** Bit i set: retriever i returned it. */
  foundBy: number;
  /** Per retriever, its 1-based rank or null. */
  ranks: Array<number | null>;
}

/** Union of per-retriever rankings (retriever i → ids best first), in passage id order. */
export function unionCandidates(rankings: ReadonlyArray<readonly number[]>): Candidate[] {
  const byId = new Map<number, Candidate>();
  rankings.forEach((ids, r) => {
    ids.forEach((id, rank) => {
      let c = byId.get(id);
      if (!c) byId.set(id, (c = { passageId: id, foundBy: 0, ranks: rankings.map(() => null) }));
      if (c.ranks[r] !== null) return; // a retriever listing an id twice keeps its best rank
      c.foundBy |= 1 << r;
      c.ranks[r] = rank + 1;
    });
  });
  return [...byId.values()].sort((a, b) => a.passageId - b.passageId);
}

export interface NegativePick {
  /** Candidates left after the exclusions (what was sampled from). */
  pool: number;
  negatives: Candidate[];
}

/**
 * The query's negatives: the union without its positive passage and without passages whose
 * normalised text is the positive's, `n` of them sampled with (seed, queryId).
 */
export function pickNegatives(
  union: readonly Candidate[],
  positive: { id: number; text: string },
  textOf: (passageId: number) => string,
  opts: { n: number; seed: number; queryId: number },
): NegativePick {
  const positiveText = normaliseText(positive.text);
  const pool = union.filter((c) => c.passageId !== positive.id && normaliseText(textOf(c.passageId)) !== positiveText);
  return { pool: pool.length, negatives: sampleWithoutReplacement(pool, opts.n, opts.seed, opts.queryId) };
}
