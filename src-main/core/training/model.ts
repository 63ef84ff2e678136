// BERT/MiniLM and MPNet encoders for training, built from config.json + weights, with an explicit
// backward pass. Parameter names are Hugging Face's without the task prefix (as loadWeights gives).
import * as tf from '@tensorflow/tfjs-core';
import { selfAttention } from './attention.js';
import { columnSum, dropout, embedding, embeddingPrefix, gelu, layerNorm, linear, param, type GradStore, type Params } from './layers.js';
import { layerNames, ModelConfigError, positionIds, relativePositionBucket, type EncoderConfig, type TokenBatch } from './encoder-config.js';

export { encoderConfigFromHf, ModelConfigError, parameterShapes, positionIds, relativePositionBucket, type EncoderConfig, type TokenBatch } from './encoder-config.js';

export interface ForwardOptions {
  /** Where parameter gradients go; null for a forward pass without backward. */
  grads: GradStore | null;
  /** Yields a seed per dropout site; null (or an eval pass) disables dropout. */
  nextDropoutSeed: (() => number) | null;
  /** Overrides the config's dropout probabilities (e.g. 0 for exactness checks). */
  dropoutOverride?: number;
}

export interface ForwardResult {
  hidden: tf.Tensor2D; // [B*S, H] last hidden state
  backward: (dHidden: tf.Tensor2D) => void;
}

export function encoderForward(c: EncoderConfig, params: Params, b: TokenBatch, opts: ForwardOptions): ForwardResult {
  const { grads } = opts;
  const { batch: B, seq: S } = b;
  const H = c.hiddenSize;
  if (S > c.maxPositions - (c.architecture === 'mpnet' ? c.padId + 1 : 0)) {
    throw new ModelConfigError(`sequence length ${S} exceeds the model's ${c.maxPositions} position embeddings`);
  }
  const seed = () => (opts.nextDropoutSeed ? opts.nextDropoutSeed() : null);
  const pHidden = opts.dropoutOverride ?? c.hiddenDropout;
  const pAttn = opts.dropoutOverride ?? c.attentionDropout;
  const backs: Array<(dy: tf.Tensor2D) => tf.Tensor2D> = [];

  // Embeddings: word + position (+ token type 0 for BERT) → LayerNorm → dropout.
  const ids = tf.tensor1d(b.ids, 'int32'); // [B*S]
  const word = embedding(params, 'embeddings.word_embeddings.weight', ids, grads);
  let summed: tf.Tensor2D; // [B*S, H]
  let embeddingsBackward: (dEmb: tf.Tensor2D) => void;
  if (c.architecture === 'bert') {
    // Positions are 0..S−1 and the token type is 0 in every row, so both are table prefixes
    // broadcast over the batch (wasm's Gather kernel costs ~12 ns per element).
    const pos = embeddingPrefix(params, 'embeddings.position_embeddings.weight', S, grads); // [S, H]
    const type = embeddingPrefix(params, 'embeddings.token_type_embeddings.weight', 1, grads); // [1, H]
    summed = tf.tidy(() => tf.reshape(tf.add(tf.add(tf.reshape(word.y, [B, S, H]), pos.y), type.y), [B * S, H])) as tf.Tensor2D;
    embeddingsBackward = (dEmb) => {
      word.backward(dEmb);
      pos.backward(tf.sum(tf.reshape(dEmb, [B, S, H]), 0) as tf.Tensor2D); // [S, H]
      type.backward(tf.reshape(columnSum(dEmb), [1, H]) as tf.Tensor2D);
    };
  } else {
    const pos = embedding(params, 'embeddings.position_embeddings.weight', tf.tensor1d(positionIds(c, b), 'int32'), grads);
    summed = tf.tidy(() => tf.add(word.y, pos.y)) as tf.Tensor2D;
    embeddingsBackward = (dEmb) => {
      word.backward(dEmb);
      pos.backward(dEmb);
    };
  }
  const embNorm = layerNorm(summed, params, 'embeddings.LayerNorm', c.layerNormEps, grads);
  const embDrop = dropout(embNorm.y, pHidden, seed());
  let h = embDrop.y;

  const maskBias = tf.tidy(() => tf.reshape(tf.mul(tf.sub(1, tf.tensor1d(b.mask, 'float32')), -1e9), [B, 1, 1, S])) as tf.Tensor4D;
  let positionBias: tf.Tensor4D | null = null;
  let bucketIds: tf.Tensor2D | null = null;
  if (c.architecture === 'mpnet') {
    const buckets = new Int32Array(S * S);
    for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) buckets[i * S + j] = relativePositionBucket(j - i, c.relativeBuckets);
    bucketIds = tf.tensor2d(buckets, [S * S, 1], 'int32');
    const table = param(params, 'encoder.relative_attention_bias.weight'); // [buckets, heads]
    positionBias = tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(tf.gather(table, tf.reshape(bucketIds!, [-1])), [S, S, c.numHeads]), [2, 0, 1]), [1, c.numHeads, S, S])) as tf.Tensor4D;
  }
  const dPositionBias: tf.Tensor3D[] = [];

  for (let i = 0; i < c.numLayers; i++) {
    const n = layerNames(c.architecture, i);
    const x = h;
    const attn = selfAttention({ x, batch: B, seq: S, heads: c.numHeads, maskBias, positionBias, dropoutP: pAttn, dropoutSeed: seed() }, params, n, grads);
    const attnDrop = dropout(attn.y, pHidden, seed());
    const attnRes = tf.add(attnDrop.y, x) as tf.Tensor2D;
    const attnNorm = layerNorm(attnRes, params, n.attnNorm, c.layerNormEps, grads); // [B*S, H]
    const inter = linear(attnNorm.y, params, n.inter, grads); // [B*S, I]
    const act = gelu(inter.y, grads !== null);
    if (grads) inter.y.dispose(); // gelu kept its derivative; the pre-activation is not needed again
    const out = linear(act.y, params, n.out, grads); // [B*S, H]
    const outDrop = dropout(out.y, pHidden, seed());
    const outNorm = layerNorm(tf.add(outDrop.y, attnNorm.y) as tf.Tensor2D, params, n.outNorm, c.layerNormEps, grads);
    h = outNorm.y;
    backs.push((dy) => {
      const dRes2 = outNorm.backward(dy); // gradient into (out + attnNorm)
      const dAttnNormOut = tf.tidy(() => tf.add(dRes2, inter.backward(act.backward(out.backward(outDrop.backward(dRes2))))));
      const dRes1 = attnNorm.backward(dAttnNormOut); // gradient into (attn + x)
      const a = attn.backward(attnDrop.backward(dRes1));
      if (a.dPositionBias) dPositionBias.push(a.dPositionBias);
      return tf.add(a.dx, dRes1) as tf.Tensor2D;
    });
  }

  const backward = (dHidden: tf.Tensor2D): void => {
    tf.tidy(() => {
      let d = dHidden;
      for (let i = backs.length - 1; i >= 0; i--) d = backs[i](d);
      const dEmb = embNorm.backward(embDrop.backward(d)) as tf.Tensor2D;
      embeddingsBackward(dEmb);
      if (grads && bucketIds && dPositionBias.length) {
        // [heads, S, S] summed over layers → rows of [S*S, heads] scattered into the bucket table.
        const dBias = tf.reshape(tf.transpose(tf.addN(dPositionBias), [1, 2, 0]), [S * S, c.numHeads]);
        grads.add('encoder.relative_attention_bias.weight', tf.scatterND(bucketIds, dBias, [c.relativeBuckets, c.numHeads]));
      }
    });
  };
  return { hidden: h as tf.Tensor2D, backward };
}
