// MultipleNegativesRankingLoss as sentence-transformers defines it: cosine similarity × scale,
// cross-entropy where query i's positive is passage i and the other passages are negatives.
// Symmetric option (MultipleNegativesSymmetricRankingLoss): mean of the query→passage and
// passage→query cross-entropies. Returns the loss and the gradients w.r.t. both embedding sets.
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from './pooling.js';

export interface MnrResult {
  loss: number;
  dQueries: tf.Tensor2D; // [B, H]
  dPassages: tf.Tensor2D; // [B, H]
}

/** Gradient of mean cross-entropy with labels 0..B-1 w.r.t. the logits: (softmax − onehot) / B. */
function crossEntropyDiagonal(logits: tf.Tensor2D): { loss: tf.Scalar; dLogits: tf.Tensor2D } {
  const B = logits.shape[0];
  const logProbs = tf.logSoftmax(logits); // [B, B]
  const eye = tf.eye(B);
  const loss = tf.neg(tf.div(tf.sum(tf.mul(logProbs, eye)), B)) as tf.Scalar;
  const dLogits = tf.div(tf.sub(tf.exp(logProbs), eye), B) as tf.Tensor2D;
  return { loss, dLogits };
}

export function mnrLoss(queries: tf.Tensor2D, passages: tf.Tensor2D, scale = 20, symmetric = false): MnrResult {
  const [loss, dQueries, dPassages] = tf.tidy(() => {
    const q = l2Normalize(queries);
    const p = l2Normalize(passages);
    const scores = tf.mul(tf.matMul(q.y, tf.transpose(p.y)), scale) as tf.Tensor2D; // [B, B]
    const fwd = crossEntropyDiagonal(scores);
    let loss = fwd.loss;
    let dScores = fwd.dLogits;
    if (symmetric) {
      const bwd = crossEntropyDiagonal(tf.transpose(scores));
      loss = tf.div(tf.add(fwd.loss, bwd.loss), 2) as tf.Scalar;
      dScores = tf.div(tf.add(fwd.dLogits, tf.transpose(bwd.dLogits)), 2) as tf.Tensor2D;
    }
    const dS = tf.mul(dScores, scale) as tf.Tensor2D; // [B, B]
    const dQueries = q.backward(tf.matMul(dS, p.y) as tf.Tensor2D);
    const dPassages = p.backward(tf.matMul(tf.transpose(dS), q.y) as tf.Tensor2D);
    return [loss, dQueries, dPassages];
  });
  const value = loss.dataSync()[0];
  loss.dispose();
  return { loss: value, dQueries: dQueries as tf.Tensor2D, dPassages: dPassages as tf.Tensor2D };
}
