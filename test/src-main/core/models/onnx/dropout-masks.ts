// Shared by the dropout tests: run dropoutInGraph over ones on a provider and read back the keep
// masks, and the same hash on the host (Math.imul and Math.trunc wrap and truncate by definition).
import { DROPOUT_HASH as H, dropoutInGraph } from '../../../../../src-main/core/models/onnx/dropout.js';
import { OnnxGraph } from '../../../../../src-main/core/models/onnx/graph.js';
import { OnnxSession } from '../../../../../src-main/core/models/session.js';

/** A session computing dropoutInGraph(ones [rows, cols]) at each of `sites` (site numbers; a count n: 0..n−1), fed a seed and p. */
export async function maskSession(rows: number, cols: number, sites: number | number[], provider: 'cpu' | 'webgpu' = 'cpu') {
  const g = new OnnxGraph('dropout');
  const x = g.input('x', 'float32', [rows, cols]);
  const inp = { seed: g.input('seed', 'int64', []), p: g.input('p', 'float32', []) };
  const numbers = typeof sites === 'number' ? Array.from({ length: sites }, (_, s) => s) : sites;
  const names = numbers.map((s) => `site${s}`);
  for (const [k, name] of names.entries()) g.output(g.op('Identity', [dropoutInGraph(g, x, inp, numbers[k])], {}, { name }), 'float32', [rows, cols]);
  const session = await OnnxSession.create(g.toBytes(), { provider });
  const ones = new Float32Array(rows * cols).fill(1);
  return {
    provider: session.provider,
    /** Scaled masks (0 or 1/(1−p)) per site. */
    async scaled(seed: number | bigint, p: number): Promise<Float32Array[]> {
      const out = await session.run(
        { x: { type: 'float32', data: ones, dims: [rows, cols] }, seed: { type: 'int64', data: BigInt64Array.of(BigInt(seed)), dims: [] }, p: { type: 'float32', data: Float32Array.of(p), dims: [] } },
        names,
      );
      return names.map((name) => out[name].data);
    },
    /** Keep masks (1 kept, 0 dropped) per site. */
    async keeps(seed: number | bigint, p: number): Promise<Uint8Array[]> {
      return (await this.scaled(seed, p)).map((m) => {
        const keep = new Uint8Array(m.length);
        for (let i = 0; i < m.length; i++) keep[i] = m[i] !== 0 ? 1 : 0;
        return keep;
      });
    },
    release: () => session.release(),
  };
}

const shiftAdd = (v: number) => (v + Math.trunc(v / 2 ** H.shift)) | 0;
const mix = (h: number, mul: number, add: number) => {
  const a = shiftAdd(Math.imul(h, mul));
  return shiftAdd((Math.imul(a, a) + add) | 0);
};

/** The keep mask of dropout.ts's header formula, on the host. */
export function hostKeep(seed: number | bigint, site: number, p: number, n: number): Uint8Array {
  const seed32 = Number(BigInt.asIntN(32, BigInt(seed)));
  const key = mix((seed32 + Math.imul(site, H.siteStride)) | 0, H.keyMul, H.keyAdd);
  const threshold = (Math.ceil(Math.fround(p) * 2 ** 24) * 256 - 2 ** 31) | 0;
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const h = (mix(i, H.indexMul, H.indexAdd) + key) | 0;
    keep[i] = Math.imul(h, h) >= threshold ? 1 : 0;
  }
  return keep;
}
