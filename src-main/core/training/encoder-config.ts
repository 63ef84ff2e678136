// What a BERT/MiniLM or MPNet encoder is, read from config.json, without TensorFlow.js: the config,
// its parameter names and shapes, tokenized batches and position ids. The ONNX engine, the memory
// plan and the services use these; only the tfjs engine (model.ts) loads tfjs-core.

export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
}

export interface EncoderConfig {
  architecture: 'bert' | 'mpnet';
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
  hiddenDropout: number;
  attentionDropout: number;
  padId: number;
  relativeBuckets: number;
}

/** Reads the fields training needs from a transformers config.json. */
export function encoderConfigFromHf(cfg: Record<string, any>, architecture: 'bert' | 'mpnet' | 't5'): EncoderConfig {
  if (architecture !== 'bert' && architecture !== 'mpnet') {
    throw new ModelConfigError(`config.json: training supports BERT/MiniLM and MPNet encoders, not ${architecture}`);
  }
  const need = (key: string): number => {
    if (typeof cfg[key] !== 'number') throw new ModelConfigError(`config.json: missing numeric "${key}"`);
    return cfg[key];
  };
  const act = cfg.hidden_act ?? 'gelu';
  if (act !== 'gelu') throw new ModelConfigError(`config.json: hidden_act "${act}" is not supported for training (only "gelu")`);
  return {
    architecture,
    vocabSize: need('vocab_size'),
    hiddenSize: need('hidden_size'),
    numLayers: need('num_hidden_layers'),
    numHeads: need('num_attention_heads'),
    intermediateSize: need('intermediate_size'),
    maxPositions: need('max_position_embeddings'),
    typeVocabSize: cfg.type_vocab_size ?? 0,
    layerNormEps: cfg.layer_norm_eps ?? 1e-12,
    hiddenDropout: cfg.hidden_dropout_prob ?? 0.1,
    attentionDropout: cfg.attention_probs_dropout_prob ?? 0.1,
    padId: cfg.pad_token_id ?? (architecture === 'mpnet' ? 1 : 0),
    relativeBuckets: cfg.relative_attention_num_buckets ?? 32,
  };
}

/** Per-layer parameter names of each family. */
export function layerNames(arch: 'bert' | 'mpnet', i: number) {
  const p = `encoder.layer.${i}`;
  return arch === 'bert'
    ? { q: `${p}.attention.self.query`, k: `${p}.attention.self.key`, v: `${p}.attention.self.value`, o: `${p}.attention.output.dense`, attnNorm: `${p}.attention.output.LayerNorm`, inter: `${p}.intermediate.dense`, out: `${p}.output.dense`, outNorm: `${p}.output.LayerNorm` }
    : { q: `${p}.attention.attn.q`, k: `${p}.attention.attn.k`, v: `${p}.attention.attn.v`, o: `${p}.attention.attn.o`, attnNorm: `${p}.attention.LayerNorm`, inter: `${p}.intermediate.dense`, out: `${p}.output.dense`, outNorm: `${p}.output.LayerNorm` };
}

/** Every trainable parameter name with its shape, in a stable order. */
export function parameterShapes(c: EncoderConfig): Array<[string, number[]]> {
  const H = c.hiddenSize;
  const out: Array<[string, number[]]> = [
    ['embeddings.word_embeddings.weight', [c.vocabSize, H]],
    ['embeddings.position_embeddings.weight', [c.maxPositions, H]],
  ];
  if (c.architecture === 'bert') out.push(['embeddings.token_type_embeddings.weight', [c.typeVocabSize, H]]);
  out.push(['embeddings.LayerNorm.weight', [H]], ['embeddings.LayerNorm.bias', [H]]);
  for (let i = 0; i < c.numLayers; i++) {
    const n = layerNames(c.architecture, i);
    for (const [name, o, inp] of [[n.q, H, H], [n.k, H, H], [n.v, H, H], [n.o, H, H], [n.inter, c.intermediateSize, H], [n.out, H, c.intermediateSize]] as const) {
      out.push([`${name}.weight`, [o, inp]], [`${name}.bias`, [o]]);
    }
    out.push([`${n.attnNorm}.weight`, [H]], [`${n.attnNorm}.bias`, [H]], [`${n.outNorm}.weight`, [H]], [`${n.outNorm}.bias`, [H]]);
  }
  if (c.architecture === 'mpnet') out.push(['encoder.relative_attention_bias.weight', [c.relativeBuckets, c.numHeads]]);
  return out;
}

/** A tokenized batch, right-padded. ids and mask are [batch * seq], row-major. */
export interface TokenBatch {
  ids: Int32Array;
  mask: Int32Array;
  batch: number;
  seq: number;
}

/** MPNet's bucket of relative position (key − query), emulating torch's float32 arithmetic. */
export function relativePositionBucket(relative: number, numBuckets: number, maxDistance = 128): number {
  let ret = 0;
  let n = -relative;
  const half = numBuckets >> 1;
  if (n < 0) ret += half;
  n = Math.abs(n);
  const maxExact = half >> 1;
  if (n < maxExact) return ret + n;
  const f = Math.fround;
  const large = maxExact + Math.trunc(f(f(f(Math.log(f(n / maxExact))) / f(Math.log(maxDistance / maxExact))) * (half - maxExact)));
  return ret + Math.min(large, half - 1);
}

export function positionIds(c: EncoderConfig, b: TokenBatch): Int32Array {
  const pos = new Int32Array(b.batch * b.seq);
  for (let r = 0; r < b.batch; r++) {
    let count = 0;
    for (let s = 0; s < b.seq; s++) {
      const i = r * b.seq + s;
      if (c.architecture === 'bert') pos[i] = s;
      else if (b.ids[i] !== c.padId) pos[i] = ++count + c.padId; // transformers' create_position_ids_from_input_ids
      else pos[i] = c.padId;
    }
  }
  return pos;
}
