// Every differentiable entry of vjp.ts against central finite differences: a one-op graph, a random
// incoming gradient dy, the backward walker's input gradients vs (L(x+ε) − L(x−ε)) / 2ε of
// L = Σ y·dy (float32 on ORT CPU, accumulated in float64; small shapes). The "no gradient" entries
// must return null for every input, and an op without an entry is an error naming op and node.
import { describe, expect, it } from 'vitest';
import { appendBackward } from '../../../../../src-main/core/models/onnx/backward.js';
import { float, OnnxGraph, type ElemType } from '../../../../../src-main/core/models/onnx/graph.js';
import { VJPS } from '../../../../../src-main/core/models/onnx/vjp.js';
import { OnnxSession, type TensorIn } from '../../../../../src-main/core/models/session.js';
import { mulberry32 } from '../../../../../src-main/core/training/rng.js';

interface CaseInput {
  name: string;
  dims: number[];
  type?: ElemType;
  /** Fixed values (int inputs, or floats that must avoid kinks); default random in [-1, 1]. */
  data?: number[];
}

interface Case {
  op: string;
  inputs: CaseInput[];
  build: (g: OnnxGraph, x: string[]) => string;
}

const lin = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

const CASES: Case[] = [
  { op: 'Identity', inputs: [{ name: 'a', dims: [2, 3] }], build: (g, [a]) => g.op('Identity', [a]) },
  { op: 'Cast', inputs: [{ name: 'a', dims: [2, 3] }], build: (g, [a]) => g.op('Cast', [a], { to: 1 }) },
  { op: 'Add', inputs: [{ name: 'a', dims: [2, 3, 4] }, { name: 'b', dims: [4] }], build: (g, [a, b]) => g.op('Add', [a, b]) },
  { op: 'Add', inputs: [{ name: 'a', dims: [2, 1, 4] }, { name: 'b', dims: [1, 3, 4] }], build: (g, [a, b]) => g.op('Add', [g.op('Identity', [a]), g.op('Identity', [b])]) },
  { op: 'Sub', inputs: [{ name: 'a', dims: [3, 4] }, { name: 'b', dims: [3, 1] }], build: (g, [a, b]) => g.op('Sub', [a, b]) },
  { op: 'Neg', inputs: [{ name: 'a', dims: [5] }], build: (g, [a]) => g.op('Neg', [a]) },
  { op: 'Mul', inputs: [{ name: 'a', dims: [2, 3] }, { name: 'b', dims: [2, 3] }], build: (g, [a, b]) => g.op('Mul', [a, b]) },
  { op: 'Div', inputs: [{ name: 'a', dims: [2, 3] }, { name: 'b', dims: [2, 1], data: [1.5, -2] }], build: (g, [a, b]) => g.op('Div', [a, b]) },
  { op: 'MatMul', inputs: [{ name: 'x', dims: [2, 3, 4] }, { name: 'w', dims: [4, 5] }], build: (g, [x, w]) => g.op('MatMul', [x, w]) },
  { op: 'MatMul', inputs: [{ name: 'a', dims: [2, 3, 4] }, { name: 'b', dims: [2, 4, 2] }], build: (g, [a, b]) => g.op('MatMul', [a, b]) },
  { op: 'MatMul', inputs: [{ name: 'a', dims: [2, 1, 3] }, { name: 'b', dims: [2, 3, 4] }], build: (g, [a, b]) => g.op('MatMul', [a, b]) },
  { op: 'Transpose', inputs: [{ name: 'a', dims: [2, 3, 4] }], build: (g, [a]) => g.op('Transpose', [a], { perm: [2, 0, 1] }) },
  { op: 'Reshape', inputs: [{ name: 'a', dims: [2, 6] }], build: (g, [a]) => g.op('Reshape', [a, g.int64s([0, 3, 2])]) },
  { op: 'Unsqueeze', inputs: [{ name: 'a', dims: [2, 3] }], build: (g, [a]) => g.op('Unsqueeze', [a, g.int64s([1])]) },
  { op: 'Squeeze', inputs: [{ name: 'a', dims: [2, 1, 3] }], build: (g, [a]) => g.op('Squeeze', [a, g.int64s([1])]) },
  { op: 'Flatten', inputs: [{ name: 'a', dims: [2, 3, 2] }], build: (g, [a]) => g.op('Flatten', [a], { axis: 2 }) },
  {
    op: 'Split',
    inputs: [{ name: 'a', dims: [2, 6] }],
    build: (g, [a]) => {
      const [p, q, r] = g.opMulti('Split', [a, g.int64s([1, 2, 3])], 3, { axis: -1 });
      return g.op('Concat', [g.op('Mul', [p, g.floats([2])]), r, q], { axis: -1 }); // parts weighted and reordered
    },
  },
  { op: 'Concat', inputs: [{ name: 'a', dims: [2, 2] }, { name: 'b', dims: [2, 3] }], build: (g, [a, b]) => g.op('Concat', [a, b], { axis: 1 }) },
  { op: 'Gather', inputs: [{ name: 't', dims: [5, 3] }, { name: 'i', dims: [2, 3], type: 'int64', data: [0, 4, 4, 1, 0, 4] }], build: (g, [t, i]) => g.op('Gather', [t, i], { axis: 0 }) },
  { op: 'Gather', inputs: [{ name: 'h', dims: [2, 3, 4] }], build: (g, [h]) => g.op('Gather', [h, g.int64s([0], [])], { axis: 1 }) },
  {
    op: 'Slice',
    inputs: [{ name: 't', dims: [6, 2] }, { name: 'ids', dims: [2, 4], type: 'int64', data: lin(8, (i) => i) }],
    build: (g, [t, ids]) => g.op('Slice', [t, g.int64s([1]), g.op('Shape', [ids], { start: 1, end: 2 }), g.int64s([0])]),
  },
  { op: 'Softmax', inputs: [{ name: 'a', dims: [2, 4] }], build: (g, [a]) => g.op('Softmax', [g.op('Mul', [a, g.floats([3])])], { axis: -1 }) },
  {
    op: 'LayerNormalization',
    inputs: [{ name: 'x', dims: [2, 2, 5] }, { name: 'gamma', dims: [5] }, { name: 'beta', dims: [5] }],
    build: (g, [x, gamma, beta]) => g.op('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: float(1e-5) }),
  },
  { op: 'Erf', inputs: [{ name: 'a', dims: [6] }], build: (g, [a]) => g.op('Erf', [a]) },
  { op: 'Sqrt', inputs: [{ name: 'a', dims: [4], data: [0.5, 1, 2, 3] }], build: (g, [a]) => g.op('Sqrt', [a]) },
  { op: 'Exp', inputs: [{ name: 'a', dims: [4] }], build: (g, [a]) => g.op('Exp', [a]) },
  { op: 'Tanh', inputs: [{ name: 'a', dims: [4] }], build: (g, [a]) => g.op('Tanh', [a]) },
  { op: 'Sigmoid', inputs: [{ name: 'a', dims: [4] }], build: (g, [a]) => g.op('Sigmoid', [a]) },
  { op: 'Relu', inputs: [{ name: 'a', dims: [4], data: [-0.7, -0.2, 0.3, 0.9] }], build: (g, [a]) => g.op('Relu', [a]) },
  { op: 'Max', inputs: [{ name: 'a', dims: [4], data: [-0.7, 0.4, 0.3, 0.9] }, { name: 'b', dims: [1], data: [0.1] }], build: (g, [a, b]) => g.op('Max', [a, b]) },
  {
    op: 'Where',
    inputs: [{ name: 'a', dims: [4] }, { name: 'b', dims: [4] }],
    build: (g, [a, b]) => g.op('Where', [g.op('Greater', [g.int64s([0, 1, 0, 1]), g.int64s([0], [])]), a, b]),
  },
  { op: 'ReduceSum', inputs: [{ name: 'a', dims: [2, 3] }], build: (g, [a]) => g.op('ReduceSum', [a, g.int64s([1])], { keepdims: 0 }) },
  { op: 'ReduceSum', inputs: [{ name: 'a', dims: [2, 3] }], build: (g, [a]) => g.op('ReduceSum', [a, g.int64s([0])], { keepdims: 1 }) },
  { op: 'ReduceMean', inputs: [{ name: 'a', dims: [2, 3] }], build: (g, [a]) => g.op('ReduceMean', [a], { axes: [1], keepdims: 1 }) },
  { op: 'ReduceMax', inputs: [{ name: 'a', dims: [2, 3], data: [0.1, 0.5, -0.2, 0.9, -0.4, 0.3] }], build: (g, [a]) => g.op('ReduceMax', [a], { axes: [1], keepdims: 0 }) },
];

function inputData(c: CaseInput, rand: () => number): number[] {
  const n = c.dims.reduce((a, b) => a * b, 1);
  return c.data ?? lin(n, () => rand() * 2 - 1);
}

function tensorIn(c: CaseInput, data: number[]): TensorIn {
  return (c.type ?? 'float32') === 'int64'
    ? { type: 'int64', data: BigInt64Array.from(data, (v) => BigInt(v)), dims: c.dims }
    : { type: 'float32', data: Float32Array.from(data), dims: c.dims };
}

function graph(cs: Case, withBackward: { dyDims: number[] } | null): { bytes: Uint8Array; grads: Map<string, string | null> } {
  const g = new OnnxGraph(`vjp-${cs.op}`);
  const names = cs.inputs.map((i) => g.input(i.name, i.type ?? 'float32', i.dims));
  const y = g.op('Identity', [cs.build(g, names)], {}, { name: 'y' });
  g.output(y, 'float32', withBackward?.dyDims ?? []);
  if (!withBackward) return { bytes: g.toBytes(), grads: new Map() };
  const dy = g.input('dy', 'float32', withBackward.dyDims);
  const targets = cs.inputs.filter((i) => (i.type ?? 'float32') === 'float32').map((i) => i.name);
  const grads = appendBackward(g, { output: y, dOutput: dy, targets });
  for (const t of targets) {
    const d = grads.get(t);
    if (d) g.output(g.op('Identity', [d], {}, { name: `d_${t}` }), 'float32', cs.inputs.find((i) => i.name === t)!.dims);
  }
  return { bytes: g.toBytes(), grads };
}

describe('vjp.ts: every VJP against central finite differences', () => {
  const covered = new Set(CASES.map((c) => c.op));
  it('covers every differentiable op of the table', () => {
    const noGrad = ['Shape', 'Size', 'Equal', 'Not', 'And', 'Or', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'CumSum', 'Range', 'NonZero', 'ConstantOfShape', 'Mod', 'Floor'];
    for (const op of VJPS.keys()) expect(covered.has(op) || noGrad.includes(op), op).toBe(true);
  });

  CASES.forEach((cs, k) => {
    it(`${cs.op} #${k}`, async () => {
      const rand = mulberry32(100 + k);
      const data = cs.inputs.map((i) => inputData(i, rand));
      const feeds = Object.fromEntries(cs.inputs.map((i, j) => [i.name, tensorIn(i, data[j])]));
      const fwd = await OnnxSession.create(graph(cs, null).bytes, { provider: 'cpu', threads: 1 });
      const y0 = (await fwd.run(feeds, ['y'])).y;
      const dy = Float32Array.from(lin(y0.data.length, () => rand() * 2 - 1));
      const { bytes, grads } = graph(cs, { dyDims: y0.dims });
      const full = await OnnxSession.create(bytes, { provider: 'cpu', threads: 1 });
      const wanted = cs.inputs.filter((i) => (i.type ?? 'float32') === 'float32' && grads.get(i.name));
      expect(wanted.length).toBeGreaterThan(0);
      const got = await full.run({ ...feeds, dy: { type: 'float32', data: dy, dims: y0.dims } }, wanted.map((i) => `d_${i.name}`));
      const loss = async (name: string, index: number, delta: number) => {
        const j = cs.inputs.findIndex((i) => i.name === name);
        const moved = [...data[j]];
        moved[index] += delta;
        const y = (await fwd.run({ ...feeds, [name]: tensorIn(cs.inputs[j], moved) }, ['y'])).y.data;
        let s = 0;
        for (let i = 0; i < y.length; i++) s += y[i] * dy[i];
        return s;
      };
      const eps = 1e-2;
      for (const inp of wanted) {
        const analytic = got[`d_${inp.name}`].data;
        const j = cs.inputs.indexOf(inp);
        let worst = 0;
        let scale = 1e-3;
        for (let e = 0; e < data[j].length; e++) {
          const numeric = ((await loss(inp.name, e, eps)) - (await loss(inp.name, e, -eps))) / (2 * eps);
          worst = Math.max(worst, Math.abs(numeric - analytic[e]));
          scale = Math.max(scale, Math.abs(numeric));
        }
        expect(worst / scale, `${cs.op} d${inp.name}`).toBeLessThan(2e-3);
      }
      await fwd.release();
      await full.release();
    });
  });

  it('an op without a gradient entry is an error naming op and node', () => {
    const g = new OnnxGraph('missing');
    const a = g.input('a', 'float32', [3]);
    const y = g.op('Cos', [a], {}, { name: 'my_cos' });
    const dy = g.input('dy', 'float32', [3]);
    expect(() => appendBackward(g, { output: y, dOutput: dy, targets: [a] })).toThrow(/no gradient for op Cos \(node "my_cos"\)/);
  });

  it('no-gradient entries return null for every input', () => {
    const g = new OnnxGraph('nograd');
    const ids = g.input('ids', 'int64', [2, 3]);
    const eq = g.op('Equal', [ids, g.int64s([1], [])]);
    const view = g.nodeViews[g.nodeViews.length - 1];
    const res = VJPS.get('Equal')!({ g, node: view, dOut: [eq], needs: [true, true], rank: () => 2 });
    expect(res).toEqual([null, null]);
  });
});
