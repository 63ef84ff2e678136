// A small writer for ONNX graphs (protobuf via onnx-proto). Model builders (BERT/MPNet here, the
// T5 encoder/decoder later) describe their computation as ops on named values; this class names the
// intermediate values, stores weights as initializers (raw little-endian bytes, no copies until
// serialisation) and serialises a ModelProto that onnxruntime can load.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type ElemType = 'float32' | 'int64' | 'int32' | 'bool';
/** A dimension: a fixed size, or a symbolic name such as "batch" or "seq". */
export type Dim = number | string;

const ELEM: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** Forces a float attribute even when the value is integral (e.g. `alpha: float(1)`). */
export interface FloatAttr {
  float: number;
}
export const float = (value: number): FloatAttr => ({ float: value });
/** A subgraph attribute (If's then_branch/else_branch); see OnnxGraph's `outer` option. */
export interface GraphAttr {
  graph: OnnxGraph;
}
export type AttrValue = number | number[] | string | FloatAttr | GraphAttr;

export class OnnxGraphError extends Error {
  override name = 'OnnxGraphError';
}

/** A node as it was added (read-only): what the backward walker (backward.ts) reads. */
export interface NodeView {
  readonly opType: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

export class OnnxGraph {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly views: NodeView[] = [];
  /** Declared dims of inputs, initializers and constants; int64 constants' values (for the backward walker). */
  private readonly dims = new Map<string, readonly Dim[]>();
  private readonly int64Consts = new Map<string, readonly number[]>();
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();
  private readonly domains = new Map<string, number>();
  private counter = 0;

  private readonly prefix: string;

  /**
   * `outer`: makes this a subgraph (e.g. a branch of an If node) that may read the outer graph's
   * values; its node and constant names are prefixed with its own name so they never clash.
   */
  constructor(
    readonly name: string,
    private readonly opts: { outer?: OnnxGraph } = {},
  ) {
    this.prefix = opts.outer ? `${name}/` : '';
  }

  /** The nodes added so far, in order (a topological order). */
  get nodeViews(): readonly NodeView[] {
    return this.views;
  }

  /** Dims of a graph input, initializer or constant; undefined for node outputs. */
  dimsOf(value: string): readonly Dim[] | undefined {
    return this.dims.get(value) ?? this.opts.outer?.dimsOf(value);
  }

  /** The values of an int64s() constant; undefined for anything else. */
  int64Values(value: string): readonly number[] | undefined {
    return this.int64Consts.get(value) ?? this.opts.outer?.int64Values(value);
  }

  /** True when `value` is defined here or (for a subgraph) in an enclosing graph. */
  has(value: string): boolean {
    return this.names.has(value) || (this.opts.outer?.has(value) ?? false);
  }

  /** Declares a graph input, e.g. input('input_ids', 'int64', ['batch', 'seq']). */
  input(name: string, type: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), type, dims));
    this.dims.set(name, dims);
    return name;
  }

  /** Declares that the value `name` is a graph output. */
  output(name: string, type: ElemType, dims: Dim[]): void {
    if (!this.has(name)) throw new OnnxGraphError(`graph "${this.name}": output "${name}" is not produced by any node`);
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A weight stored as an initializer (float32 raw data). */
  weight(name: string, data: Float32Array, dims: number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new OnnxGraphError(`graph "${this.name}": weight "${name}" has ${data.length} values, shape [${dims.join(', ')}] needs ${count}`);
    }
    this.initializers.push(tensor(this.claim(name), ELEM.float32, dims, bytesOf(data)));
    this.dims.set(name, dims);
    return name;
  }

  /** An int64 initializer (shape vectors, index tables). */
  int64Tensor(name: string, data: BigInt64Array, dims: number[]): string {
    this.initializers.push(tensor(this.claim(name), ELEM.int64, dims, bytesOf(data)));
    this.dims.set(name, dims);
    return name;
  }

  /** A small int64 constant, deduplicated: int64s([0, 0, 12, 64]) or a scalar with dims []. */
  int64s(values: number[], dims: number[] = [values.length]): string {
    const name = this.constant('int64', values, dims, () => bytesOf(BigInt64Array.from(values, (v) => BigInt(v))));
    this.int64Consts.set(name, values);
    return name;
  }

  /** A small float32 constant, deduplicated; scalar by default. */
  floats(values: number[], dims: number[] = []): string {
    return this.constant('float32', values, dims, () => bytesOf(Float32Array.from(values)));
  }

  /** Adds one node and returns the name of its (first) output. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: { domain?: string; name?: string } = {}): string {
    return this.opMulti(opType, inputs, 1, attrs, opts)[0];
  }

  /** Adds one node with several outputs (Split, TopK, ...). */
  opMulti(
    opType: string,
    inputs: string[],
    outputCount: number,
    attrs: Record<string, AttrValue> = {},
    opts: { domain?: string; name?: string } = {},
  ): string[] {
    for (const input of inputs) {
      if (input !== '' && !this.has(input)) throw new OnnxGraphError(`graph "${this.name}": ${opType} reads "${input}", which nothing defines`);
    }
    const base = opts.name ?? `${this.prefix}${opType}_${this.counter++}`;
    const outputs = Array.from({ length: outputCount }, (_, i) => this.claim(outputCount === 1 ? base : `${base}:${i}`));
    if (opts.domain) this.domains.set(opts.domain, 1);
    this.views.push({ opType, name: base, inputs: [...inputs], outputs, attrs: { ...attrs } });
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        domain: opts.domain ?? '',
        name: base,
        input: inputs,
        output: outputs,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      }),
    );
    return outputs;
  }

  /** The serialised ModelProto. */
  toBytes(opts: { opset?: number; producer?: string; docString?: string } = {}): Uint8Array {
    const graph = this.toGraphProto();
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: opts.producer ?? 'genq-workbench',
      docString: opts.docString ?? '',
      opsetImport: [{ domain: '', version: opts.opset ?? 17 }, ...[...this.domains].map(([domain, version]) => ({ domain, version }))],
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }

  /** The GraphProto alone (a subgraph attribute, or the body of toBytes). */
  toGraphProto(): InstanceType<typeof onnx.GraphProto> {
    return onnx.GraphProto.create({
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
  }

  private constant(type: ElemType, values: number[], dims: number[], bytes: () => Uint8Array): string {
    const key = `${type}:${dims.join('x')}:${values.join(',')}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.claim(`${this.prefix}const_${this.constants.size}`);
    this.initializers.push(tensor(name, ELEM[type], dims, bytes()));
    this.dims.set(name, dims);
    this.constants.set(key, name);
    return name;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new OnnxGraphError(`graph "${this.name}": value "${name}" is defined twice`);
    this.names.add(name);
    return name;
  }
}

function bytesOf(data: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function tensor(name: string, dataType: number, dims: number[], rawData: Uint8Array) {
  return onnx.TensorProto.create({ name, dataType, dims, rawData });
}

function valueInfo(name: string, type: ElemType, dims: Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: ELEM[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

function attribute(name: string, value: AttrValue) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value) });
  if (typeof value === 'object' && 'graph' in value) return onnx.AttributeProto.create({ name, type: T.GRAPH, g: value.graph.toGraphProto() });
  if (typeof value === 'object' && !Array.isArray(value)) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.float });
  if (Array.isArray(value)) {
    return value.every(Number.isInteger)
      ? onnx.AttributeProto.create({ name, type: T.INTS, ints: value })
      : onnx.AttributeProto.create({ name, type: T.FLOATS, floats: value });
  }
  return Number.isInteger(value)
    ? onnx.AttributeProto.create({ name, type: T.INT, i: value })
    : onnx.AttributeProto.create({ name, type: T.FLOAT, f: value });
}
