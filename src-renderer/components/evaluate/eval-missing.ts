// What stops an evaluation from running, said in words with what to do about each.
import type { IndexInfo, SplitInfo } from '../../../shared/api.js';

export type EvalSource = 'held-out' | 'beir';

/** Everything that stops an evaluation from running, each with what to do about it. */
export function whatIsMissing(source: EvalSource, split: SplitInfo | null, retrievers: number, noBeirDir: boolean, encoders: IndexInfo[]): string[] {
  const missing: string[] = [];
  if (source === 'held-out' && split) {
    const usable = split.evalQueries.total - split.evalQueries.rejected;
    if (split.evalPassages === 0) missing.push('No held-out split yet: make one under “Held-out split” (a share of passages that training never sees).');
    else if (split.evalQueries.total === 0) missing.push(`The ${split.evalPassages} held-out passages have no queries: generate queries for them (Generate), or change the split.`);
    else if (usable === 0) missing.push(`All ${split.evalQueries.total} queries on the held-out passages are rejected: accept some on Curate (filter by split), or change the split.`);
  }
  if (noBeirDir) missing.push('Enter the BEIR folder (corpus.jsonl, queries.jsonl, qrels/).');
  if (retrievers === 0) {
    const unindexed = source === 'held-out' && encoders.some((i) => !i.exists);
    missing.push(unindexed ? 'Pick a retriever: BM25, or an encoder once its index is built on the Search page.' : 'Pick at least one retriever.');
  }
  return missing;
}
