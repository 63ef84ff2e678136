// Reverse-mode differentiation of an OnnxGraph, appended to the same graph: from the gradients of one
// or more outputs (e.g. dEmb of sentence_embedding; the fused training step seeds every text column's
// embedding) to the gradients of chosen inputs (the parameters), summed over the seeds. Visits
// only nodes that lie between the parameters and the output, sums the contributions of a value with
// several consumers (x feeds the residual and Q/K/V), and looks each op's VJP up in vjp.ts.
import { type NodeView, type OnnxGraph, OnnxGraphError } from './graph.js';
import { fullDims } from './full-dims.js';
import { NO_GRADIENT, VJPS, type VjpContext } from './vjp.js';

/** A differentiated output and its incoming gradient (same shape). */
export interface BackwardSeed {
  output: string;
  dOutput: string;
}

/** One seed (output + dOutput) or several (outputs); the targets get the sum of every seed's gradient. */
export type BackwardSpec = (BackwardSeed | { outputs: BackwardSeed[] }) & {
  /** Values to differentiate with respect to (graph inputs). */
  targets: string[];
  /** Names each target's gradient value (a graph output), instead of a generated name. */
  gradName?: (target: string) => string;
};

/** Appends the backward pass; returns each target's gradient value (null when the output does not depend on it). */
export function appendBackward(g: OnnxGraph, spec: BackwardSpec): Map<string, string | null> {
  const seeds = 'outputs' in spec ? spec.outputs : [{ output: spec.output, dOutput: spec.dOutput }];
  if (!seeds.length) throw new OnnxGraphError(`graph "${g.name}": backward pass without an output to differentiate`);
  const nodes = [...g.nodeViews]; // the forward, before any backward node is added
  const ranks = inferRanks(g, nodes);

  // Values that depend on a target, then those of them the output depends on.
  const depends = new Set(spec.targets);
  // Not through ops without a gradient: a dropout mask is computed from Size(x), but no gradient
  // flows into it (walking that path cost a mask-sized Mul, Reshape and copy per dropout site).
  const stops = new Set(NO_GRADIENT);
  for (const n of nodes) if (!stops.has(n.opType) && n.inputs.some((i) => depends.has(i))) for (const o of n.outputs) depends.add(o);
  for (const s of seeds) if (!depends.has(s.output)) throw new OnnxGraphError(`graph "${g.name}": "${s.output}" does not depend on any target`);
  const needed = new Set(seeds.map((s) => s.output));
  const onPath: NodeView[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!n.outputs.some((o) => needed.has(o))) continue;
    onPath.push(n);
    for (const input of n.inputs) if (depends.has(input)) needed.add(input);
  }

  const contributions = new Map<string, string[]>();
  for (const s of seeds) contributions.set(s.output, [...(contributions.get(s.output) ?? []), s.dOutput]);
  const total = (value: string, name?: string): string | null => {
    const parts = contributions.get(value);
    if (!parts?.length) return null;
    const sum = parts.length === 1 && !name ? parts[0] : g.op(parts.length === 1 ? 'Identity' : 'Sum', parts, {}, name ? { name } : {});
    contributions.set(value, [sum]);
    return sum;
  };
  let inferred = nodes.length; // backward nodes get ranks on demand, as VJPs ask about their own values
  const rank = (value: string): number => {
    const all = g.nodeViews;
    if (!ranks.has(value)) for (; inferred < all.length; inferred++) inferNode(g, all[inferred], ranks);
    const r = ranks.get(value) ?? g.dimsOf(value)?.length;
    if (r === undefined) throw new OnnxGraphError(`graph "${g.name}": the rank of "${value}" is unknown to the backward pass`);
    return r;
  };

  const full = fullDims(g, nodes, (v) => ranks.get(v) ?? g.dimsOf(v)?.length);

  for (const node of onPath) {
    const dOut = node.outputs.map((o) => total(o));
    if (dOut.every((d) => d === null)) continue;
    const vjp = VJPS.get(node.opType);
    if (!vjp) throw new OnnxGraphError(`graph "${g.name}": no gradient for op ${node.opType} (node "${node.name}")`);
    const needs = node.inputs.map((i) => depends.has(i) && needed.has(i));
    const grads = vjp({ g, node, dOut, needs, rank, full } satisfies VjpContext);
    if (grads.length > node.inputs.length) throw new OnnxGraphError(`${node.opType} node "${node.name}": gradient returned ${grads.length} values for ${node.inputs.length} inputs`);
    node.inputs.forEach((input, i) => {
      const d = grads[i];
      if (!needs[i] || !d) return;
      const list = contributions.get(input) ?? [];
      list.push(d);
      contributions.set(input, list);
    });
  }
  return new Map(spec.targets.map((t) => [t, total(t, spec.gradName?.(t))]));
}

/** Ranks of every value of the forward graph, from the declared inputs, initializers and constants. */
export function inferRanks(g: OnnxGraph, nodes: readonly NodeView[]): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const n of nodes) inferNode(g, n, ranks);
  return ranks;
}

function inferNode(g: OnnxGraph, n: NodeView, ranks: Map<string, number>): void {
  const r = (v: string): number | undefined => ranks.get(v) ?? g.dimsOf(v)?.length;
  for (const i of n.inputs) if (i && !ranks.has(i) && g.dimsOf(i)) ranks.set(i, g.dimsOf(i)!.length);
  const r0 = r(n.inputs[0]);
  const countOf = (v: string | undefined): number | undefined => (v ? g.int64Values(v)?.length ?? g.dimsOf(v)?.[0] as number | undefined : undefined);
  let out: number | undefined;
  switch (n.opType) {
    case 'Shape':
    case 'NonZero':
    case 'Range':
      out = n.opType === 'NonZero' ? 2 : 1;
      break;
    case 'Size':
      out = 0;
      break;
    case 'Reshape':
    case 'ConstantOfShape':
    case 'Expand': {
      const shapeInput = n.opType === 'ConstantOfShape' ? n.inputs[0] : n.inputs[1];
      const c = countOf(shapeInput);
      // Expand broadcasts: the larger of the two ranks.
      out = n.opType === 'Expand' && c !== undefined && r0 !== undefined ? Math.max(c, r0) : c;
      if (out === undefined && shapeInput) {
        // A computed shape vector: its length is the rank of the value it was taken from.
        const producer = findProducer(g, shapeInput);
        if (producer?.opType === 'Shape') out = r(producer.inputs[0]);
      }
      break;
    }
    case 'Gather': {
      const ri = r(n.inputs[1]);
      out = r0 !== undefined && ri !== undefined ? r0 - 1 + ri : undefined;
      break;
    }
    case 'Unsqueeze': {
      const c = countOf(n.inputs[1]);
      out = r0 !== undefined && c !== undefined ? r0 + c : undefined;
      break;
    }
    case 'Squeeze': {
      const c = countOf(n.inputs[1]);
      out = r0 !== undefined && c !== undefined ? r0 - c : undefined;
      break;
    }
    case 'Flatten':
    case 'Gemm':
      out = 2;
      break;
    case 'ReduceSum':
    case 'ReduceMean':
    case 'ReduceMax': {
      const keep = (n.attrs.keepdims ?? 1) === 1;
      const axes = (n.attrs.axes as number[] | undefined)?.length ?? countOf(n.inputs[1]);
      out = keep ? r0 : r0 !== undefined && axes !== undefined ? r0 - axes : undefined;
      break;
    }
    case 'MatMul':
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Max':
    case 'Min':
    case 'Equal':
    case 'Greater':
    case 'GreaterOrEqual':
    case 'Less':
    case 'Where':
    case 'Mod':
    case 'Pow':
    case 'And':
    case 'Or':
    case 'Sum': {
      const rs = n.inputs.map(r);
      out = rs.every((x) => x !== undefined) ? Math.max(...(rs as number[])) : undefined;
      break;
    }
    default:
      out = r0; // elementwise, Transpose, Softmax, LayerNormalization, Split, Concat, Slice, Pad, Cast, ScatterND…
  }
  if (out !== undefined) for (const o of n.outputs) ranks.set(o, out);
}

function findProducer(g: OnnxGraph, value: string): NodeView | undefined {
  // Node outputs are named after their node ("Shape_12", or "Split_3:1" for multi-output nodes).
  const views = g.nodeViews;
  for (let i = views.length - 1; i >= 0; i--) if (views[i].outputs.includes(value)) return views[i];
  return undefined;
}
