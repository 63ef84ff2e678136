// Splits a forward + backward graph (one OnnxGraph, backward nodes appended by backward.ts) into two
// models at the point where the backward begins:
//   forward model: the forward nodes; outputs the given outputs plus every forward-computed value
//                  a backward node reads ("saved" values, left on the device by the caller)
//   backward model: the backward nodes; inputs the saved values plus the original inputs it reads
// so a training pass runs its forward once and keeps what the VJPs need, instead of recomputing it.
import onnxProto from 'onnx-proto';
import { type OnnxGraph, OnnxGraphError } from './graph.js';

const { onnx } = onnxProto;
type GraphProto = InstanceType<typeof onnx.GraphProto>;
type ValueInfo = InstanceType<typeof onnx.ValueInfoProto>;
const T = onnx.TensorProto.DataType;

export interface SplitGraphs {
  forward: Uint8Array;
  backward: Uint8Array;
  /** Forward outputs the backward takes as inputs (same names). */
  saved: string[];
}

/**
 * `forwardNodes`: how many of `g`'s nodes are the forward. `forwardOutputs`: what the forward model
 * returns besides the saved values; `backwardOutputs`: the backward model's outputs (already declared
 * as outputs of `g`).
 */
export function splitAtBackward(g: OnnxGraph, forwardNodes: number, forwardOutputs: string[], opset = 17): SplitGraphs {
  const proto = g.toGraphProto();
  const nodes = proto.node ?? [];
  const fwd = nodes.slice(0, forwardNodes);
  const bwd = nodes.slice(forwardNodes);
  const types = elemTypes(proto);
  const produced = new Set(fwd.flatMap((n) => n.output ?? []));
  const readByBackward = new Set(bwd.flatMap((n) => n.input ?? []));
  const saved = [...produced].filter((v) => readByBackward.has(v)); // may include a forward output (Normalize's VJP reads its result)
  const inputs = proto.input ?? [];
  const initializers = proto.initializer ?? [];
  const typed = (name: string): ValueInfo => {
    const t = types.get(name);
    if (t === undefined) throw new OnnxGraphError(`graph "${proto.name}": the element type of "${name}" is unknown to the graph splitter`);
    return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: t } } });
  };
  const readBy = (ns: typeof nodes) => new Set(ns.flatMap((n) => n.input ?? []));

  const fwdReads = readBy(fwd);
  const forward = onnx.GraphProto.create({
    name: `${proto.name}-forward`,
    node: fwd,
    input: inputs.filter((i) => fwdReads.has(i.name!)),
    initializer: initializers.filter((t) => fwdReads.has(t.name!)),
    output: [...new Set([...forwardOutputs, ...saved])].map(typed),
  });
  const backward = onnx.GraphProto.create({
    name: `${proto.name}-backward`,
    node: bwd,
    input: [...inputs.filter((i) => readByBackward.has(i.name!) && !saved.includes(i.name!)), ...saved.map(typed)],
    initializer: initializers.filter((t) => readByBackward.has(t.name!)),
    output: (proto.output ?? []).filter((o) => !produced.has(o.name!) || bwd.some((n) => (n.output ?? []).includes(o.name!))),
  });
  const encode = (graph: GraphProto, doc: string) =>
    onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, producerName: 'genq-workbench', docString: doc, opsetImport: [{ domain: '', version: opset }], graph })).finish();
  return { forward: encode(forward, 'training forward (saves what the backward reads)'), backward: encode(backward, 'training backward'), saved };
}

/** Element type of every value: inputs and initializers as declared, node outputs by op. */
function elemTypes(proto: GraphProto): Map<string, number> {
  const types = new Map<string, number>();
  for (const i of proto.input ?? []) types.set(i.name!, i.type!.tensorType!.elemType!);
  for (const t of proto.initializer ?? []) types.set(t.name!, t.dataType!);
  for (const n of proto.node ?? []) {
    const ins = n.input ?? [];
    const attr = (k: string) => n.attribute?.find((a) => a.name === k);
    let t: number | undefined;
    switch (n.opType) {
      case 'Shape':
      case 'Size':
      case 'NonZero':
        t = T.INT64;
        break;
      case 'Cast':
        t = Number(attr('to')!.i);
        break;
      case 'Equal':
      case 'Not':
      case 'Greater':
      case 'GreaterOrEqual':
      case 'Less':
      case 'LessOrEqual':
      case 'And':
      case 'Or':
        t = T.BOOL;
        break;
      case 'ConstantOfShape':
        t = attr('value')?.t?.dataType ?? T.FLOAT;
        break;
      case 'Where':
        t = types.get(ins[1]);
        break;
      default:
        t = types.get(ins[0]);
    }
    if (t !== undefined) for (const o of n.output ?? []) types.set(o, t);
  }
  return types;
}
