// What a loss trains on, from a file or a project: MNR on (query, passage) pairs; MarginMSE on
// (query, positive, negative) triplets with a teacher margin as the label — from a JSONL file or
// the project's mined negatives (mining/project-triplets.ts: a fresh negative per query each epoch).
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { projectTriplets } from '../mining/project-triplets.js';
import { pairExamples, type Example } from './batches.js';
import type { TrainingLoss } from './losses/loss.js';
import { marginMseLoss } from './losses/margin-mse.js';
import { mnrLoss } from './losses/mnr.js';
import { trainingPairs } from './project-pairs.js';

export type LossName = 'mnr' | 'margin-mse';

export class TrainingDataError extends Error {
  override name = 'TrainingDataError';
}

export function lossFor(name: LossName, opts: { scale?: number; symmetric?: boolean; score?: 'dot' | 'cosine' } = {}): TrainingLoss {
  return name === 'mnr' ? mnrLoss({ scale: opts.scale, symmetric: opts.symmetric }) : marginMseLoss({ score: opts.score });
}

export interface Triplet {
  query: string;
  positive: string;
  negative: string;
  margin: number;
}

export function tripletExamples(triplets: Triplet[]): Example[] {
  return triplets.map((t) => ({ texts: [t.query, t.positive, t.negative], labels: [t.margin] }));
}

const tripletLine = z.object({ query: z.string().min(1), positive: z.string().min(1), negative: z.string().min(1), margin: z.number().refine(Number.isFinite, 'margin must be finite') });

/** JSONL {"query","positive","negative","margin"} per line (what `genq export --format triplets` writes). */
export function readTripletsFile(path: string): Triplet[] {
  const out: Triplet[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new TrainingDataError(`${path}:${i + 1}: not JSON`);
    }
    const r = tripletLine.safeParse(value);
    if (!r.success) throw new TrainingDataError(`${path}:${i + 1}: expected {"query","positive","negative","margin"}: ${r.error.issues.map((x) => `${x.path.join('.') || 'line'} ${x.message}`).join('; ')}`);
    out.push(r.data);
  });
  if (out.length === 0) throw new TrainingDataError(`${path}: no triplets`);
  return out;
}

export interface TrainingData {
  examples: Example[];
  examplesForEpoch?: (epoch: number) => Example[];
  /** "96 pairs" / "500 triplets (mined negatives, fresh per epoch)". */
  describe: string;
}

/** The project's training data for a loss. */
export function projectTrainingData(db: Database.Database, loss: LossName, seed: number): TrainingData {
  if (loss === 'mnr') {
    const pairs = trainingPairs(db);
    return { examples: pairExamples(pairs), describe: `${pairs.length} pairs` };
  }
  const forEpoch = (epoch: number) => tripletExamples(projectTriplets(db, { seed, epoch }));
  const examples = forEpoch(0);
  if (examples.length === 0) throw new TrainingDataError('the mining run has no kept hard negatives; mine again or restore dropped negatives');
  return { examples, examplesForEpoch: forEpoch, describe: `${examples.length} triplets (mined negatives, a fresh one per query each epoch)` };
}
