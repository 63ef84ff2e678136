// Vector-Jacobian products of the ONNX ops the training forward emits (encoder.ts, layers.ts,
// pooling.ts, dropout.ts), written as standard ONNX ops: onnxruntime-node is an inference build, so
// the com.microsoft *Grad kernels do not load. One entry per op type; backward.ts looks them up by
// name and fails naming op and node when one is missing. An entry gets the gradients of the node's
// outputs (null where nothing downstream needs them) and which inputs need a gradient, and returns
// one gradient per input (null: none needed, or none exists). Undoing broadcast is sumToShape().
import { type Dim, type NodeView, type OnnxGraph, OnnxGraphError } from './graph.js';

export interface VjpContext {
  g: OnnxGraph;
  node: NodeView;
  /** Gradient of each output (null: not needed downstream). */
  dOut: Array<string | null>;
  /** Whether each input needs a gradient. */
  needs: boolean[];
  /** Rank of a value (backward.ts infers them over the forward graph). */
  rank(value: string): number;
  /** Whether a forward value has no axis of size 1 (full-dims.ts); absent: unknown. */
  full?(value: string): boolean;
}

export type Vjp = (c: VjpContext) => Array<string | null>;

const none: Vjp = (c) => c.node.inputs.map(() => null);

/** Ops whose outputs carry no gradient (integer / shape / comparison results): backward.ts stops there. */
export const NO_GRADIENT = ['Shape', 'Size', 'Equal', 'Not', 'And', 'Or', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'CumSum', 'Range', 'NonZero', 'ConstantOfShape', 'Mod', 'Floor'];

/** Sums `d` down to the shape of `like` (numpy broadcasting undone): leading axes, then axes where `like` has size 1. */
export function sumToShape(c: VjpContext, d: string, like: string): string {
  const { g } = c;
  const rd = c.rank(d);
  const rl = c.rank(like);
  let out = d;
  // Leading axes one at a time, innermost first (tokens of a row, then rows): shorter float32
  // accumulations than one pass over batch·seq (bias gradients drifted ~1e-4 relative otherwise).
  for (let axis = rd - rl - 1; axis >= 0; axis--) out = g.op('ReduceSum', [out, g.int64s([axis])], { keepdims: 0 });
  if (rd >= rl && c.full?.(like)) return out; // nothing of `like` was broadcast (full-dims.ts)
  const dims = g.dimsOf(like);
  if (dims && dims.every((x) => typeof x === 'number')) {
    // Static shape (parameters, constants): the axes of size 1 are known now.
    const axes = dims.flatMap((x, i) => (x === 1 ? [i] : []));
    return axes.length ? g.op('ReduceSum', [out, g.int64s(axes)], { keepdims: 1 }) : out;
  }
  if (dims && dims.every((x: Dim) => x !== 1)) return out; // symbolic dims are never broadcast from 1 in our graphs' inputs
  // Dynamic: reduce (keepdims) the axes where the shapes differ; an empty axis list is a no-op.
  const differs = g.op('Not', [g.op('Equal', [g.op('Shape', [out]), g.op('Shape', [like])])]); // [rl] bool
  const axes = g.op('Reshape', [g.op('NonZero', [differs]), g.int64s([-1])]); // [k]
  return g.op('ReduceSum', [out, axes], { keepdims: 1, noop_with_empty_axes: 1 });
}

function range(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

/** perm swapping the last two axes of a rank-r value. */
function swapLast(r: number): number[] {
  return [...range(r - 2), r - 1, r - 2];
}

const attr = (n: NodeView, key: string, fallback: number): number => {
  const v = n.attrs[key];
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && 'float' in v) return v.float;
  throw new OnnxGraphError(`${n.opType} node "${n.name}": attribute ${key} is not a number`);
};

function constInts(c: VjpContext, value: string, what: string): readonly number[] {
  const v = c.g.int64Values(value);
  if (!v) throw new OnnxGraphError(`${c.node.opType} node "${c.node.name}": ${what} must be a constant for its gradient`);
  return v;
}

/** Expands a reduction's gradient back over the reduced axes. */
function unreduce(c: VjpContext, d: string, axesValue: string | undefined, keepdims: boolean): string {
  const { g, node } = c;
  const x = node.inputs[0];
  let dk = d;
  if (!keepdims) {
    const axes = axesValue ? constInts(c, axesValue, 'axes') : range(c.rank(x));
    dk = g.op('Unsqueeze', [d, g.int64s(axes.map((a) => (a < 0 ? a + c.rank(x) : a)))]);
  }
  return g.op('Expand', [dk, g.op('Shape', [x])]);
}

export const VJPS = new Map<string, Vjp>([
  // No gradient: integer / shape computations (position ids, masks, sizes).
  ...NO_GRADIENT.map((op) => [op, none] as [string, Vjp]),
  ['Identity', (c) => [c.dOut[0]]],
  ['Cast', (c) => [c.node.attrs.to === 1 ? c.dOut[0] : null]],
  ['Add', (c) => [c.needs[0] ? sumToShape(c, c.dOut[0]!, c.node.inputs[0]) : null, c.needs[1] ? sumToShape(c, c.dOut[0]!, c.node.inputs[1]) : null]],
  ['Sub', (c) => [c.needs[0] ? sumToShape(c, c.dOut[0]!, c.node.inputs[0]) : null, c.needs[1] ? sumToShape(c, c.g.op('Neg', [c.dOut[0]!]), c.node.inputs[1]) : null]],
  ['Neg', (c) => [c.g.op('Neg', [c.dOut[0]!])]],
  [
    'Mul',
    (c) => {
      const [a, b] = c.node.inputs;
      const d = c.dOut[0]!;
      return [c.needs[0] ? sumToShape(c, c.g.op('Mul', [d, b]), a) : null, c.needs[1] ? sumToShape(c, c.g.op('Mul', [d, a]), b) : null];
    },
  ],
  [
    'Div',
    (c) => {
      // y = a / b: da = d / b; db = −d·y / b
      const [a, b] = c.node.inputs;
      const d = c.dOut[0]!;
      const y = c.node.outputs[0];
      const da = c.needs[0] ? sumToShape(c, c.g.op('Div', [d, b]), a) : null;
      const db = c.needs[1] ? sumToShape(c, c.g.op('Neg', [c.g.op('Div', [c.g.op('Mul', [d, y]), b])]), b) : null;
      return [da, db];
    },
  ],
  [
    'MatMul',
    (c) => {
      const { g } = c;
      const [a, b] = c.node.inputs;
      const d = c.dOut[0]!;
      const ra = c.rank(a);
      const rb = c.rank(b);
      if (ra < 2 || rb < 2) throw new OnnxGraphError(`MatMul node "${c.node.name}": gradient needs operands of rank ≥ 2 (got ${ra}, ${rb})`);
      if (rb === 2 && ra > 2) {
        // x [..., k] @ W [k, n]: flatten the leading axes and use Gemm's transpose flags (no copies).
        const a2 = g.op('Flatten', [a], { axis: ra - 1 }); // [N, k]
        const d2 = g.op('Flatten', [d], { axis: ra - 1 }); // [N, n]
        const da = c.needs[0] ? g.op('Reshape', [g.op('Gemm', [d2, b], { transB: 1 }), g.op('Shape', [a])]) : null;
        const db = c.needs[1] ? g.op('Gemm', [a2, d2], { transA: 1 }) : null; // [k, n]
        return [da, db];
      }
      const da = c.needs[0] ? sumToShape(c, g.op('MatMul', [d, g.op('Transpose', [b], { perm: swapLast(rb) })]), a) : null;
      const db = c.needs[1] ? sumToShape(c, g.op('MatMul', [g.op('Transpose', [a], { perm: swapLast(ra) }), d]), b) : null;
      return [da, db];
    },
  ],
  [
    'Transpose',
    (c) => {
      const perm = c.node.attrs.perm as number[];
      const inverse = new Array<number>(perm.length);
      perm.forEach((p, i) => (inverse[p] = i));
      return [c.g.op('Transpose', [c.dOut[0]!], { perm: inverse })];
    },
  ],
  ...['Reshape', 'Unsqueeze', 'Squeeze', 'Flatten'].map((op) => [op, (c: VjpContext) => [c.g.op('Reshape', [c.dOut[0]!, c.g.op('Shape', [c.node.inputs[0]])]), ...c.node.inputs.slice(1).map(() => null)]] as [string, Vjp]),
  [
    'Split',
    (c) => {
      const { g, node } = c;
      const axis = attr(node, 'axis', 0);
      const parts = node.outputs.map((o, i) => c.dOut[i] ?? g.op('ConstantOfShape', [g.op('Shape', [o])]));
      return [g.op('Concat', parts, { axis }), ...node.inputs.slice(1).map(() => null)];
    },
  ],
  [
    'Concat',
    (c) => {
      const { g, node } = c;
      const axis = attr(node, 'axis', 0);
      const r = c.rank(node.inputs[0]);
      const ax = axis < 0 ? axis + r : axis;
      const sizes = g.op('Concat', node.inputs.map((x) => g.op('Shape', [x], { start: ax, end: ax + 1 })), { axis: 0 });
      const parts = g.opMulti('Split', [c.dOut[0]!, sizes], node.inputs.length, { axis: ax });
      return parts.map((p, i) => (c.needs[i] ? p : null));
    },
  ],
  [
    'Gather',
    (c) => {
      // Scatter-add of the rows (duplicate indices sum).
      const { g, node } = c;
      const [data, indices] = node.inputs;
      const axis = attr(node, 'axis', 0);
      const zeros = g.op('ConstantOfShape', [g.op('Shape', [data])]); // float 0 by default
      if (axis === 0) {
        const idx = g.op('Unsqueeze', [indices, g.int64s([-1])]); // [..., 1]
        return [g.op('ScatterND', [zeros, idx, c.dOut[0]!], { reduction: 'add' }), null];
      }
      if (c.rank(indices) !== 0) throw new OnnxGraphError(`Gather node "${node.name}": gradient supports axis 0, or a scalar index on another axis`);
      // Scalar index on axis k: swap k to the front, scatter one row, swap back.
      const r = c.rank(data);
      const perm = range(r);
      [perm[0], perm[axis]] = [perm[axis], perm[0]];
      const front = g.op('Transpose', [zeros], { perm });
      const scattered = g.op('ScatterND', [front, g.op('Reshape', [indices, g.int64s([1])]), c.dOut[0]!], { reduction: 'add' });
      return [g.op('Transpose', [scattered], { perm }), null];
    },
  ],
  [
    'Slice',
    (c) => {
      // Zero padding around the slice (steps of 1, non-negative starts, ends within the axis).
      const { g, node } = c;
      const [x, starts, ends, axesValue, steps] = node.inputs;
      if (steps && constInts(c, steps, 'steps').some((s) => s !== 1)) throw new OnnxGraphError(`Slice node "${node.name}": gradient needs steps of 1`);
      const r = c.rank(x);
      const axes = axesValue ? constInts(c, axesValue, 'axes').map((a) => (a < 0 ? a + r : a)) : range(c.rank(starts) === 1 ? (g.int64Values(starts)?.length ?? r) : r);
      const shape = g.op('Shape', [x]);
      const zero = g.int64s([0]);
      const begins: string[] = [];
      const endPads: string[] = [];
      for (let i = 0; i < r; i++) {
        const j = axes.indexOf(i);
        if (j < 0) {
          begins.push(zero);
          endPads.push(zero);
          continue;
        }
        const at = g.int64s([j]);
        const dim = g.op('Gather', [shape, g.int64s([i])], { axis: 0 });
        const start = g.op('Gather', [starts, at], { axis: 0 });
        const end = g.op('Min', [g.op('Gather', [ends, at], { axis: 0 }), dim]);
        begins.push(start);
        endPads.push(g.op('Sub', [dim, end]));
      }
      const pads = g.op('Concat', [...begins, ...endPads], { axis: 0 });
      return [g.op('Pad', [c.dOut[0]!, pads]), null, null, null, null].slice(0, node.inputs.length);
    },
  ],
  [
    'Softmax',
    (c) => {
      // dx = y · (d − Σ_axis d·y)
      const { g, node } = c;
      const y = node.outputs[0];
      const d = c.dOut[0]!;
      const axis = attr(node, 'axis', -1);
      const dot = g.op('ReduceSum', [g.op('Mul', [d, y]), g.int64s([axis])], { keepdims: 1 });
      return [g.op('Mul', [y, g.op('Sub', [d, dot])])];
    },
  ],
  [
    'LayerNormalization',
    (c) => {
      // Over the last axis; mean and 1/σ recomputed from x (cheap next to the matmuls).
      // dx = rstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)),  dx̂ = d · γ
      const { g, node } = c;
      const [x, gamma, beta] = node.inputs;
      if (attr(node, 'axis', -1) !== -1) throw new OnnxGraphError(`LayerNormalization node "${node.name}": gradient supports axis -1`);
      const eps = attr(node, 'epsilon', 1e-5);
      const last = { axes: [-1], keepdims: 1 }; // opset 17: ReduceMean's axes are an attribute
      const d = c.dOut[0]!;
      const centered = g.op('Sub', [x, g.op('ReduceMean', [x], last)]);
      const variance = g.op('ReduceMean', [g.op('Mul', [centered, centered])], last);
      const rstd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.floats([eps])])])]); // [..., 1]
      const xhat = g.op('Mul', [centered, rstd]);
      const dgamma = c.needs[1] ? sumToShape(c, g.op('Mul', [d, xhat]), gamma) : null;
      const dbeta = c.needs[2] ? sumToShape(c, d, beta) : null;
      let dx: string | null = null;
      if (c.needs[0]) {
        const dxhat = g.op('Mul', [d, gamma]);
        const m1 = g.op('ReduceMean', [dxhat], last);
        const m2 = g.op('ReduceMean', [g.op('Mul', [dxhat, xhat])], last);
        dx = g.op('Mul', [rstd, g.op('Sub', [g.op('Sub', [dxhat, m1]), g.op('Mul', [xhat, m2])])]);
      }
      return [dx, dgamma, dbeta];
    },
  ],
  ['Erf', (c) => [c.g.op('Mul', [c.dOut[0]!, c.g.op('Mul', [c.g.op('Exp', [c.g.op('Neg', [c.g.op('Mul', [c.node.inputs[0], c.node.inputs[0]])])]), c.g.floats([2 / Math.sqrt(Math.PI)])])])]],
  ['Sqrt', (c) => [c.g.op('Div', [c.g.op('Mul', [c.dOut[0]!, c.g.floats([0.5])]), c.node.outputs[0]])]],
  ['Exp', (c) => [c.g.op('Mul', [c.dOut[0]!, c.node.outputs[0]])]],
  ['Tanh', (c) => [c.g.op('Mul', [c.dOut[0]!, c.g.op('Sub', [c.g.floats([1]), c.g.op('Mul', [c.node.outputs[0], c.node.outputs[0]])])])]],
  ['Sigmoid', (c) => [c.g.op('Mul', [c.dOut[0]!, c.g.op('Mul', [c.node.outputs[0], c.g.op('Sub', [c.g.floats([1]), c.node.outputs[0]])])])]],
  ['Relu', (c) => [c.g.op('Mul', [c.dOut[0]!, c.g.op('Cast', [c.g.op('Greater', [c.node.inputs[0], c.g.floats([0])])], { to: 1 })])]],
  [
    'Max',
    (c) => {
      // Two inputs; ties send the gradient to the first (as torch.maximum splits… close enough: ties are measure-zero here).
      const { g, node } = c;
      if (node.inputs.length !== 2) throw new OnnxGraphError(`Max node "${node.name}": gradient supports two inputs`);
      const [a, b] = node.inputs;
      const d = c.dOut[0]!;
      const pick = g.op('Cast', [g.op('GreaterOrEqual', [a, b])], { to: 1 });
      return [
        c.needs[0] ? sumToShape(c, g.op('Mul', [d, pick]), a) : null,
        c.needs[1] ? sumToShape(c, g.op('Mul', [d, g.op('Sub', [g.floats([1]), pick])]), b) : null,
      ];
    },
  ],
  [
    'Where',
    (c) => {
      const { g, node } = c;
      const [cond, a, b] = node.inputs;
      const d = c.dOut[0]!;
      const zero = g.floats([0]);
      return [
        null,
        c.needs[1] ? sumToShape(c, g.op('Where', [cond, d, zero]), a) : null,
        c.needs[2] ? sumToShape(c, g.op('Where', [cond, zero, d]), b) : null,
      ];
    },
  ],
  ['ReduceSum', (c) => [unreduce(c, c.dOut[0]!, c.node.inputs[1], attr(c.node, 'keepdims', 1) === 1), null]],
  [
    'ReduceMean',
    (c) => {
      const { g, node } = c;
      const count = g.op('Div', [g.op('Cast', [g.op('Size', [node.inputs[0]])], { to: 1 }), g.op('Cast', [g.op('Size', [node.outputs[0]])], { to: 1 })]);
      const axes = node.attrs.axes as number[] | undefined; // opset 17: an attribute
      return [unreduce(c, g.op('Div', [c.dOut[0]!, count]), axes ? g.int64s(axes) : undefined, attr(node, 'keepdims', 1) === 1)];
    },
  ],
  [
    'ReduceMax',
    (c) => {
      // The gradient goes to the elements equal to the max (max pooling).
      const { g, node } = c;
      const keep = attr(node, 'keepdims', 1) === 1;
      const axes = node.attrs.axes as number[] | undefined;
      const x = node.inputs[0];
      const r = c.rank(x);
      const up = (v: string) => (keep ? v : g.op('Unsqueeze', [v, g.int64s((axes ?? range(r)).map((a) => (a < 0 ? a + r : a)))]));
      const winners = g.op('Cast', [g.op('Equal', [x, up(node.outputs[0])])], { to: 1 });
      return [g.op('Mul', [winners, up(c.dOut[0]!)])];
    },
  ],
]);
