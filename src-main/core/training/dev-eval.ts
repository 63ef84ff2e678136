// Dev-set evaluation during training: embed the held-out passages and queries with the weights
// being trained, rank by exact cosine and score with the eval stage's trec_eval metrics.
import { evaluateRun, type Run } from '../eval/metrics.js';
import { ExactIndex } from '../index/exact.js';
import type { DevSet } from './project-pairs.js';
import type { EvalResult } from './trainer.js';

/** The metrics a training run reports; MRR@10 is the score early stopping watches. */
export const DEV_METRICS = ['mrr@10', 'recall@10', 'ndcg@10'] as const;

export async function evaluateDevSet(dev: DevSet, embed: (texts: string[]) => Promise<Float32Array[]>): Promise<EvalResult> {
  if (dev.queries.length === 0 || dev.corpus.length === 0) return { score: 0, metrics: {} };
  const passageVectors = await embed(dev.corpus.map((p) => p.text)); // [passages][hidden]
  const dim = passageVectors[0].length;
  const flat = new Float32Array(passageVectors.length * dim); // [passages, hidden]
  passageVectors.forEach((v, i) => flat.set(v, i * dim));
  const index = new ExactIndex(dim, dev.corpus.map((_, i) => i), flat);
  const queryVectors = await embed(dev.queries.map((q) => q.text));
  const run: Run = {};
  dev.queries.forEach((q, i) => {
    run[q.id] = index.search(queryVectors[i], 10).map((n) => ({ id: dev.corpus[n.id].id, score: n.score }));
  });
  const { mean } = evaluateRun(run, dev.qrels);
  const metrics = Object.fromEntries(DEV_METRICS.map((m) => [m, mean[m]]));
  return { score: mean['mrr@10'], metrics };
}
