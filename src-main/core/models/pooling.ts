// sentence-transformers' Pooling + Normalize on a last_hidden_state that came out of a session
// (used with shipped ONNX exports, which stop at last_hidden_state; built graphs pool in-graph).
import type { PoolingMode } from './folder.js';

/**
 * hidden: [batch, seq, h] row-major; mask: [batch, seq] (1 = token, 0 = padding).
 * Returns one [h] vector per batch row.
 */
export function poolHiddenStates(
  hidden: Float32Array,
  mask: ArrayLike<number | bigint>,
  dims: [number, number, number],
  mode: PoolingMode,
  normalize: boolean,
): Float32Array[] {
  const [batch, seq, h] = dims;
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(h);
    if (mode === 'cls') {
      v.set(hidden.subarray(b * seq * h, b * seq * h + h));
    } else if (mode === 'max') {
      v.fill(-Infinity);
      for (let t = 0; t < seq; t++) {
        // Padding counts as -1e9, as in sentence-transformers.
        const on = Number(mask[b * seq + t]) > 0;
        for (let j = 0; j < h; j++) v[j] = Math.max(v[j], on ? hidden[(b * seq + t) * h + j] : -1e9);
      }
    } else {
      let count = 0;
      const acc = new Float64Array(h);
      for (let t = 0; t < seq; t++) {
        if (Number(mask[b * seq + t]) === 0) continue;
        count++;
        for (let j = 0; j < h; j++) acc[j] += hidden[(b * seq + t) * h + j];
      }
      const denom = mode === 'mean_sqrt_len' ? Math.sqrt(Math.max(count, 1e-9)) : Math.max(count, 1e-9);
      for (let j = 0; j < h; j++) v[j] = acc[j] / denom;
    }
    out.push(normalize ? normalizeL2(v) : v);
  }
  return out;
}

/** torch.nn.functional.normalize: x / max(‖x‖₂, 1e-12), in place. */
export function normalizeL2(v: Float32Array): Float32Array {
  let sq = 0;
  for (let j = 0; j < v.length; j++) sq += v[j] * v[j];
  const n = Math.max(Math.sqrt(sq), 1e-12);
  for (let j = 0; j < v.length; j++) v[j] /= n;
  return v;
}

export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-12);
}
