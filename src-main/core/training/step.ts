// The loss and parameter gradients of one MNR batch, either directly (both sides' activations
// held at once) or with GradCache (CachedMultipleNegativesRankingLoss): embed every mini-batch
// without keeping activations, take the loss and its gradient w.r.t. the embeddings, then redo
// each mini-batch's forward with the same dropout masks and backpropagate its slice of that
// gradient. Same gradients, memory bounded by the mini-batch size.
import * as tf from '@tensorflow/tfjs-core';
import { GradStore } from './layers.js';
import { mnrLoss } from './mnr-loss.js';
import { dropoutSeeds } from './rng.js';
import { embedBatch, tokenizeBatch, type TrainableModel } from './trainable.js';

export interface StepSettings {
  maxSeqLength: number;
  scale: number;
  symmetric: boolean;
  /** Dropout probability override (0 disables); undefined keeps the config's. */
  dropout?: number;
  /** GradCache mini-batch size; undefined or ≥ batch size computes the batch in one pass. */
  miniBatchSize?: number;
  seed: number;
  step: number;
}

export interface StepGrads {
  loss: number;
  grads: GradStore;
}

/** Dropout is active (training mode) unless the effective probability is 0. */
function seedsFor(model: TrainableModel, s: StepSettings, pass: number): (() => number) | null {
  const p = s.dropout ?? Math.max(model.config.hiddenDropout, model.config.attentionDropout);
  return p > 0 ? dropoutSeeds(s.seed, s.step, pass) : null;
}

export function stepGradients(model: TrainableModel, queries: string[], passages: string[], s: StepSettings): StepGrads {
  const grads = new GradStore();
  const B = queries.length;
  const mini = s.miniBatchSize && s.miniBatchSize < B ? s.miniBatchSize : undefined;
  if (!mini) {
    const loss = tf.tidy(() => {
      const q = embedBatch(model, tokenizeBatch(model, queries, s.maxSeqLength), { grads, nextDropoutSeed: seedsFor(model, s, 0), dropoutOverride: s.dropout });
      const p = embedBatch(model, tokenizeBatch(model, passages, s.maxSeqLength), { grads, nextDropoutSeed: seedsFor(model, s, 1), dropoutOverride: s.dropout });
      const r = mnrLoss(q.embeddings, p.embeddings, s.scale, s.symmetric);
      q.backward(r.dQueries);
      p.backward(r.dPassages);
      return r.loss;
    });
    return { loss, grads };
  }
  // GradCache: chunk c of side k (0 queries, 1 passages) uses dropout pass 2c+k in both passes.
  const chunks: Array<[number, number]> = [];
  for (let start = 0; start < B; start += mini) chunks.push([start, Math.min(B, start + mini)]);
  const sides = [queries, passages];
  const embedded = sides.map((texts, k) =>
    tf.tidy(() =>
      tf.concat(
        chunks.map(([a, b], c) =>
          tf.tidy(() => embedBatch(model, tokenizeBatch(model, texts.slice(a, b), s.maxSeqLength), { grads: null, nextDropoutSeed: seedsFor(model, s, 2 * c + k), dropoutOverride: s.dropout }).embeddings),
        ),
      ),
    ),
  ) as tf.Tensor2D[];
  const r = mnrLoss(embedded[0], embedded[1], s.scale, s.symmetric);
  tf.dispose(embedded);
  const dSides = [r.dQueries, r.dPassages];
  sides.forEach((texts, k) => {
    chunks.forEach(([a, b], c) => {
      tf.tidy(() => {
        const e = embedBatch(model, tokenizeBatch(model, texts.slice(a, b), s.maxSeqLength), { grads, nextDropoutSeed: seedsFor(model, s, 2 * c + k), dropoutOverride: s.dropout });
        e.backward(tf.slice(dSides[k], [a, 0], [b - a, -1]) as tf.Tensor2D);
      });
    });
  });
  tf.dispose(dSides);
  return { loss: r.loss, grads };
}

/** Sentence embeddings in eval mode (no dropout, no gradients), batched. Returns one row per text. */
export function embedTexts(model: TrainableModel, texts: string[], maxSeqLength: number, batchSize = 32): Float32Array[] {
  const out: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const rows = tf.tidy(() => embedBatch(model, tokenizeBatch(model, texts.slice(start, start + batchSize), maxSeqLength), { grads: null, nextDropoutSeed: null }).embeddings);
    const data = rows.dataSync() as Float32Array;
    const H = rows.shape[1];
    for (let i = 0; i < rows.shape[0]; i++) out.push(data.slice(i * H, (i + 1) * H));
    rows.dispose();
  }
  return out;
}
