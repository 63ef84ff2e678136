// Row-wise L2 normalisation in float64 with its backward, as torch.nn.functional.normalize(x, p=2,
// dim=1) does: y = x / max(‖x‖, 1e-12); dx = (dy − y·(dy·y)) / max(‖x‖, 1e-12).

export interface NormalizedRows {
  y: Float64Array[];
  backward(dy: Float64Array[]): Float64Array[];
}

export function normalizeRows(x: Float64Array[]): NormalizedRows {
  const norms = x.map((r) => Math.max(Math.hypot(...r), 1e-12));
  const y = x.map((r, i) => r.map((v) => v / norms[i]));
  return {
    y,
    backward: (dy) =>
      dy.map((d, i) => {
        let dot = 0;
        for (let k = 0; k < d.length; k++) dot += d[k] * y[i][k];
        return d.map((v, k) => (v - y[i][k] * dot) / norms[i]);
      }),
  };
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}
