// In-graph dropout: the mask is a pure function of (seed, site, element) at the requested rate with
// inverted scaling, and the training engine's backward uses the same masks as its forward (the
// gradient of a parameter matches finite differences of the loss under the same seeds).
import { describe, expect, it } from 'vitest';
import { dropoutInGraph } from '../../../../../src-main/core/models/onnx/dropout.js';
import { OnnxGraph } from '../../../../../src-main/core/models/onnx/graph.js';
import { OnnxSession } from '../../../../../src-main/core/models/session.js';
import { mnrLossHost } from '../../../../../src-main/core/training/losses/mnr.js';
import { ortEngine } from '../../training/ort-fixture.js';

const N = 20000;

async function masks(seed: number, p: number): Promise<Float32Array[]> {
  const g = new OnnxGraph('dropout');
  const x = g.input('x', 'float32', [4, N / 4]);
  const inp = { seed: g.input('seed', 'int64', []), p: g.input('p', 'float32', []) };
  g.output(g.op('Identity', [dropoutInGraph(g, x, inp, 0)], {}, { name: 'site0' }), 'float32', [4, N / 4]);
  g.output(g.op('Identity', [dropoutInGraph(g, x, inp, 1)], {}, { name: 'site1' }), 'float32', [4, N / 4]);
  const s = await OnnxSession.create(g.toBytes(), { provider: 'cpu' });
  const out = await s.run(
    { x: { type: 'float32', data: new Float32Array(N).fill(1), dims: [4, N / 4] }, seed: { type: 'int64', data: BigInt64Array.of(BigInt(seed)), dims: [] }, p: { type: 'float32', data: Float32Array.of(p), dims: [] } },
    ['site0', 'site1'],
  );
  await s.release();
  return [out.site0.data, out.site1.data];
}

const differing = (a: Float32Array, b: Float32Array) => a.reduce((n, x, i) => n + (x !== b[i] ? 1 : 0), 0) / a.length;

describe('dropoutInGraph', () => {
  it('drops at rate p, scales kept values by 1/(1−p), and is a pure function of seed and site', async () => {
    const [a0, a1] = await masks(42, 0.1);
    const dropped = a0.filter((x) => x === 0).length / N;
    expect(dropped).toBeGreaterThan(0.09);
    expect(dropped).toBeLessThan(0.11);
    expect(new Set(a0.filter((x) => x !== 0))).toEqual(new Set([Math.fround(1 / 0.9)]));
    // Neighbouring elements independent: both dropped at rate ≈ p² (0.01).
    let pairs = 0;
    for (let i = 0; i + 1 < N; i++) if (a0[i] === 0 && a0[i + 1] === 0) pairs++;
    expect(pairs / (N - 1)).toBeGreaterThan(0.006);
    expect(pairs / (N - 1)).toBeLessThan(0.014);
    const [b0] = await masks(42, 0.1);
    expect(differing(a0, b0)).toBe(0);
    const [c0] = await masks(43, 0.1);
    expect(differing(a0, c0)).toBeGreaterThan(0.1); // ≈ 2·p·(1−p) = 0.18 for independent masks
    expect(differing(a0, a1)).toBeGreaterThan(0.1);
  });
});

describe('ORT engine with dropout', () => {
  it('tiny-bert: backward uses the forward masks (a parameter gradient matches finite differences)', async () => {
    const { ref, opened, engine } = await ortEngine('tiny-bert', 'cpu');
    const pairs = ref.mnr.pairs as [string, string][];
    const cols = [pairs.map((p) => p[0]), pairs.map((p) => p[1])].map((t) => opened.tokenize(t, 128));
    const dropout = (c: number) => ({ p: 0.1, seed: 1000 + c });
    const loss = async () => {
      const emb = await Promise.all(cols.map(async (t, c) => (await engine.forward(t, { keep: false, dropout: dropout(c) })).embeddings));
      return mnrLossHost(emb, pairs.length, engine.hidden, { scale: 20 }).loss;
    };
    const fwd = await Promise.all(cols.map((t, c) => engine.forward(t, { keep: true, dropout: dropout(c) })));
    const r = mnrLossHost(fwd.map((f) => f.embeddings), pairs.length, engine.hidden, { scale: 20 });
    for (const [c, f] of fwd.entries()) await f.backward(r.dEmb[c]);
    const name = 'encoder.layer.0.intermediate.dense.bias';
    const grad = (await engine.exportGrads()).get(name)!.data;
    let at = 0;
    grad.forEach((x, i) => (Math.abs(x) > Math.abs(grad[at]) ? (at = i) : 0));
    const params = await engine.exportParams();
    const eps = 1e-2;
    const shifted = async (delta: number) => {
      const moved = new Map([...params].map(([k, t]) => [k, { shape: t.shape, data: new Float32Array(t.data) }]));
      moved.get(name)!.data[at] += delta;
      await engine.importState(moved);
      return loss();
    };
    const numeric = ((await shifted(eps)) - (await shifted(-eps))) / (2 * eps);
    expect(Math.abs(numeric - grad[at]) / Math.abs(grad[at])).toBeLessThan(0.02);
    // Different seeds give different embeddings (dropout is on).
    const a = (await engine.forward(cols[0], { keep: false, dropout: { p: 0.1, seed: 1 } })).embeddings;
    const b = (await engine.forward(cols[0], { keep: false, dropout: { p: 0.1, seed: 2 } })).embeddings;
    expect(differing(a, b)).toBeGreaterThan(0.5);
    await engine.dispose();
  });
});
