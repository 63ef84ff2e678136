// Which forward values have no axis of size 1 (every dim > 1 or symbolic), known at build time. A
// broadcasting op's input of full rank with no size-1 axis was not broadcast, so its gradient needs
// no ReduceSum: sumToShape() skips the dynamic reduction there (with an empty axis list ORT's
// ReduceSum still copied the whole tensor: ~10% of a CPU training step). Symbolic dims (batch,
// seq) are never broadcast from 1 in our graphs, as vjp.ts already assumes. Unknown ops → false
// (the dynamic reduction stays), so a false here only costs speed.
import type { NodeView, OnnxGraph } from './graph.js';

const SAME_AS_FIRST = new Set([
  'Cast', 'Erf', 'Exp', 'Neg', 'Sqrt', 'Reciprocal', 'Tanh', 'Relu', 'Sigmoid', 'Identity', 'Softmax', 'LayerNormalization', 'Transpose', 'Not', 'Flatten',
]);
const BROADCASTING = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Where', 'Max', 'Min', 'Equal', 'Greater', 'GreaterOrEqual', 'Less', 'Sum', 'And', 'Or', 'Mod']);

/** `full(value)`: true when every axis of `value` is known not to be 1. */
export function fullDims(g: OnnxGraph, nodes: readonly NodeView[], rank: (value: string) => number | undefined): (value: string) => boolean {
  const producer = new Map<string, NodeView>();
  for (const n of nodes) for (const o of n.outputs) producer.set(o, n);
  const memo = new Map<string, boolean>();
  const noOne = (values: readonly number[] | undefined) => !!values && values.every((x) => x !== 1 && x !== -1);
  const full = (v: string): boolean => {
    const known = memo.get(v);
    if (known !== undefined) return known;
    memo.set(v, false); // cycles cannot occur in a DAG; this also bounds the recursion
    const result = compute(v);
    memo.set(v, result);
    return result;
  };
  const compute = (v: string): boolean => {
    const n = producer.get(v);
    if (!n) {
      const dims = g.dimsOf(v);
      return !!dims && dims.every((x) => x !== 1);
    }
    const [a, b] = n.inputs;
    if (SAME_AS_FIRST.has(n.opType)) return full(a);
    if (BROADCASTING.has(n.opType)) {
      const r = rank(v);
      // The output's dims are those of any full input of the output's rank.
      return r !== undefined && n.inputs.some((x) => x && rank(x) === r && full(x));
    }
    switch (n.opType) {
      case 'MatMul':
      case 'Gemm':
        return full(a) && full(b);
      case 'Reshape': {
        if (noOne(g.int64Values(b))) return !g.int64Values(b)!.includes(0) || full(a); // 0 copies the input's dim
        const shapeOf = producer.get(b);
        return shapeOf?.opType === 'Shape' && Object.keys(shapeOf.attrs).length === 0 && full(shapeOf.inputs[0]);
      }
      case 'Gather':
        return (n.attrs.axis ?? 0) === 0 && full(a) && full(b);
      case 'ReduceSum':
      case 'ReduceMean':
      case 'ReduceMax':
        return (n.attrs.keepdims ?? 1) === 0 && full(a);
      case 'Split':
        return full(a) && (!b || noOne(g.int64Values(b)));
      case 'Concat':
        return n.inputs.every(full);
      default:
        return false;
    }
  };
  return full;
}
