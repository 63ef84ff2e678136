// Training graphs for BERT/MPNet sentence encoders, built with the inference builders
// (encoder.ts/layers.ts/pooling.ts) but with every parameter a graph INPUT (fed from device-resident
// tensors each run) and training-mode dropout:
//   embed graph: params, input_ids, attention_mask (, dropout seed/p) → sentence_embedding [batch, h]
//   forward + backward graphs of a kept pass: the same forward, then backward.ts from d_embedding
//                [batch, h] to every parameter, the gradients added to fed running sums (grad_in.*,
//                used when `accumulate`) → grad.*; split-graph.ts cuts it in two, the forward
//                outputting the values the backward reads (kept on the device in between)
//   step graph (buildStepGraph): every column's forward, the loss, every column's backward in one
//                run → loss + grad.* (the ort engine's step without GradCache)
// Device layout (AdamW is elementwise, so any fixed layout is the same trajectory): Linear weights
// transposed to [in, out]; Q/K/V fused into one [h, 3h] weight and [3h] bias per layer (the attention
// scale stays a separate Mul: folding it into Wq would change what AdamW updates). deviceLayout()
// maps to and from Hugging Face names and PyTorch layouts.
import type { PoolingMode } from '../folder.js';
import { appendBackward } from './backward.js';
import { applyKeep, dropoutInGraph, dropoutKeep, dropoutTable, type DropoutInputs } from './dropout.js';
import { encoderLayers, type EncoderWeightSource } from './encoder.js';
import { OnnxGraph, OnnxGraphError } from './graph.js';
import { poolInGraph } from './pooling.js';
import { splitAtBackward } from './split-graph.js';

export interface TrainingGraphSpec {
  architecture: 'bert' | 'mpnet';
  /** transformers config.json */
  config: Record<string, any>;
  pooling: PoolingMode;
  normalize: boolean;
  vocab: number;
  /** BERT token type rows (0 for MPNet). */
  typeCount: number;
}

/** How one device tensor is made from Hugging Face tensors. */
export interface DeviceParam {
  name: string;
  shape: number[];
  /** 'copy': same layout; 'transpose': HF [out, in] → [in, out]; 'qkv': three HF [h, h] (or [h]) → [h, 3h] (or [3h]). */
  kind: 'copy' | 'transpose' | 'qkv';
  /** HF names (three for 'qkv': q, k, v). */
  hf: string[];
}

/** The device parameters in graph-input order, with their HF sources. */
export function deviceLayout(spec: TrainingGraphSpec): DeviceParam[] {
  const g = new OnnxGraph('layout');
  const src = inputSource(g);
  buildForward(g, spec, src, null);
  return src.params;
}

function inputSource(g: OnnxGraph): EncoderWeightSource & { params: DeviceParam[] } {
  const params: DeviceParam[] = [];
  const declared = new Set<string>();
  const input = (name: string, shape: number[], kind: DeviceParam['kind'], hf: string[]): string => {
    if (!declared.has(name)) {
      declared.add(name);
      params.push({ name, shape, kind, hf });
      g.input(name, 'float32', shape);
    }
    return name;
  };
  return {
    params,
    linear: (prefix, out, inp) => ({
      w: input(`${prefix}.weight`, [inp, out], 'transpose', [`${prefix}.weight`]),
      b: input(`${prefix}.bias`, [out], 'copy', [`${prefix}.bias`]),
    }),
    qkv: (names, h, _scale, layerPrefix) => ({
      w: input(`${layerPrefix}.qkv.weight`, [h, 3 * h], 'qkv', names.map((n) => `${n}.weight`)),
      b: input(`${layerPrefix}.qkv.bias`, [3 * h], 'qkv', names.map((n) => `${n}.bias`)),
      scaled: false,
    }),
    norm: (prefix, size) => [input(`${prefix}.weight`, [size], 'copy', [`${prefix}.weight`]), input(`${prefix}.bias`, [size], 'copy', [`${prefix}.bias`])],
    table: (name, rows, cols) => input(name, [rows, cols], 'copy', [name]),
  };
}

/** Forward to sentence_embedding; `dropout` null builds the eval-mode (or p = 0) graph. */
/**
 * Where the dropout masks come from: 'hash' computes them; 'output' computes them and also outputs
 * each site's keep mask as dropout_keep.<site> (bool [n]); 'input' reads them from those inputs.
 */
type MaskSource = 'hash' | 'output' | 'input';

/** Names of one forward's inputs and output (the fused step graph has one forward per text column). */
interface ForwardNames {
  inputIds: string;
  attentionMask: string;
  seq: string;
  output: string;
}
const SINGLE: ForwardNames = { inputIds: 'input_ids', attentionMask: 'attention_mask', seq: 'seq', output: 'sentence_embedding' };

function buildForward(g: OnnxGraph, spec: TrainingGraphSpec, src: EncoderWeightSource, dropout: DropoutInputs | null, masks: MaskSource = 'hash', keeps: string[] = [], io: ForwardNames = SINGLE): string {
  const inputIds = g.input(io.inputIds, 'int64', ['batch', io.seq]);
  const attentionMask = g.input(io.attentionMask, 'int64', ['batch', io.seq]);
  let site = 0;
  // One hash table per site kind, exactly that kind's element count (made at its first site).
  const tables = new Map<SiteKind, DropoutInputs>();
  const withTable = (d: DropoutInputs, kind: SiteKind) => {
    let t = tables.get(kind);
    if (!t) tables.set(kind, (t = { ...d, table: dropoutTable(g, siteCount(g, spec, inputIds, kind)) }));
    return t;
  };
  const drop = (d: DropoutInputs, x: string, kind: SiteKind): string => {
    const name = `dropout_keep.${site}`;
    if (masks === 'hash') return dropoutInGraph(g, x, withTable(d, kind), site++);
    site++;
    if (masks === 'input') return applyKeep(g, x, g.input(name, 'bool', [`dropout_n${site - 1}`]), d.p);
    const keep = g.op('Identity', [dropoutKeep(g, x, withTable(d, kind), site - 1)], {}, { name });
    g.output(keep, 'bool', [`dropout_n${site - 1}`]);
    keeps.push(name);
    return applyKeep(g, x, keep, d.p);
  };
  const hooks = dropout ? { dropout: (x: string, kind: SiteKind) => drop(dropout, x, kind) } : {};
  const { hidden, maskF } = encoderLayers(g, { architecture: spec.architecture, config: spec.config }, src, { inputIds, attentionMask }, { vocab: spec.vocab, typeCount: spec.typeCount, source: 'training graph' }, hooks);
  return poolInGraph(g, hidden, maskF, spec.pooling, spec.normalize, io.output); // [batch, h]
}

type SiteKind = 'attention' | 'hidden';

/** Element count of a dropout site, int64 scalar: hidden states [batch, seq, h] or attention probabilities [batch, heads, seq, seq]. */
function siteCount(g: OnnxGraph, spec: TrainingGraphSpec, inputIds: string, kind: SiteKind): string {
  const c = (v: number) => g.int64s([v], []);
  const tokens = g.op('Size', [inputIds]); // batch · seq
  if (kind === 'hidden') return g.op('Mul', [tokens, c(spec.config.hidden_size)]);
  const seq = g.op('Squeeze', [g.op('Shape', [inputIds], { start: 1, end: 2 }), g.int64s([0])]);
  return g.op('Mul', [tokens, g.op('Mul', [seq, c(spec.config.num_attention_heads)])]);
}

export interface TrainingGraphs {
  /** Device parameters in input order. */
  params: DeviceParam[];
  /** Forward only (eval passes, GradCache's first pass): → sentence_embedding. */
  embed: Uint8Array;
  /** The embed graph's dropout keep masks (bool [n] per site; none without dropout). */
  keeps: string[];
  /** Kept pass in one run (CPU: recomputing the forward is cheaper than onnxruntime-node copying saved values to JS), reading `keeps` (fetched from the embed run) as inputs: → grad.* */
  train: Uint8Array;
  /** Kept pass, forward half (GPU providers: saved values stay on the device): → sentence_embedding + the saved values. */
  forward: Uint8Array;
  /** Kept pass, backward half: saved values, d_embedding, grad_in.*, accumulate (+ inputs it reads) → grad.* */
  backward: Uint8Array;
  /** Values the forward hands to the backward (device-resident between the two runs). */
  saved: string[];
}

/** `dropout`: whether the graphs take dropout_seed (int64 scalar) and dropout_p (float scalar) inputs. */
export function buildTrainingGraphs(spec: TrainingGraphSpec, opts: { dropout: boolean }): TrainingGraphs {
  const h: number = spec.config.hidden_size;
  const make = (name: string, masks: MaskSource = 'hash') => {
    const g = new OnnxGraph(name);
    const src = inputSource(g);
    const drop = opts.dropout ? { seed: g.input('dropout_seed', 'int64', []), p: g.input('dropout_p', 'float32', []) } : null;
    const keeps: string[] = [];
    const emb = buildForward(g, spec, src, drop, masks, keeps);
    return { g, src, emb, keeps };
  };
  /** Forward + backward from d_embedding, adding to the fed running sums; returns the forward's node count. */
  const withBackward = (t: ReturnType<typeof make>): number => {
    const dEmb = t.g.input('d_embedding', 'float32', ['batch', h]);
    const accumulate = t.g.input('accumulate', 'bool', []);
    const forwardNodes = t.g.nodeViews.length;
    const grads = appendBackward(t.g, { output: t.emb, dOutput: dEmb, targets: t.src.params.map((p) => p.name) });
    for (const p of t.src.params) {
      const d = grads.get(p.name);
      if (!d) throw new OnnxGraphError(`training graph: parameter "${p.name}" gets no gradient`);
      const prev = t.g.input(`grad_in.${p.name}`, 'float32', p.shape);
      // Where (not Mul by 0): a diverged step's inf/NaN sums must not leak into the next step.
      const sum = t.g.op('Add', [t.g.op('Where', [accumulate, prev, t.g.floats([0])]), d], {}, { name: `grad.${p.name}` });
      t.g.output(sum, 'float32', p.shape);
    }
    return forwardNodes;
  };

  // With dropout the embed graph also outputs the keep masks, and the one-run train graph reads them
  // (the CPU kept pass: the hash is computed once per pass, not again in the recomputed forward).
  const e = make(`${spec.architecture}-train-embed`, opts.dropout ? 'output' : 'hash');
  e.g.output(e.emb, 'float32', ['batch', h]);

  const t = make(`${spec.architecture}-train-step`);
  const split = splitAtBackward(t.g, withBackward(t), [t.emb]);
  const one = opts.dropout ? make(`${spec.architecture}-train-step-masks`, 'input') : t;
  if (one !== t) withBackward(one);
  return {
    params: t.src.params,
    embed: e.g.toBytes({ docString: 'training-mode forward built by genq-workbench' }),
    keeps: e.keeps,
    train: one.g.toBytes({ docString: 'training forward + backward built by genq-workbench' }),
    forward: split.forward,
    backward: split.backward,
    saved: split.saved,
  };
}

/** A loss as graph ops (a LossGraph's build; passed in, so models/ does not import training/). */
export type StepLoss = (g: OnnxGraph, emb: string[], labels?: string) => { loss: string; dEmb: string[] };

export interface StepGraphOptions {
  /** Text columns (each its own forward over the shared parameters). */
  columns: number;
  /** Whether the graph takes dropout_seed.<c> (int64 scalar, one per column) and dropout_p (float scalar) inputs. */
  dropout: boolean;
  loss: StepLoss;
  /** Labels per example: a labels input [batch, labelCount]; absent: none. */
  labelCount?: number;
}

/**
 * A whole training step (no GradCache) as one graph, so activations never leave onnxruntime: every
 * column's forward (dropout masks the same function of (seed, site, element) as the per-column
 * graphs), the loss and its closed-form gradient w.r.t. each column's embedding, then one backward
 * pass seeded with every column's dEmb, summing the columns' parameter gradients.
 *   inputs:  params, input_ids.<c> / attention_mask.<c> (int64 [batch, seq.<c>]), dropout_seed.<c>,
 *            dropout_p (with dropout), labels (with labelCount)
 *   outputs: loss (scalar), grad.<param> (fresh each step: nothing to accumulate into)
 */
export function buildStepGraph(spec: TrainingGraphSpec, opts: StepGraphOptions): { params: DeviceParam[]; bytes: Uint8Array } {
  const g = new OnnxGraph(`${spec.architecture}-train-fused-step`);
  const src = inputSource(g);
  const p = opts.dropout ? g.input('dropout_p', 'float32', []) : null;
  const emb: string[] = []; // [batch, h] per column
  for (let c = 0; c < opts.columns; c++) {
    const drop = p ? { seed: g.input(`dropout_seed.${c}`, 'int64', []), p } : null;
    const io = { inputIds: `input_ids.${c}`, attentionMask: `attention_mask.${c}`, seq: `seq.${c}`, output: `sentence_embedding.${c}` };
    emb.push(buildForward(g, spec, src, drop, 'hash', [], io));
  }
  const labels = opts.labelCount ? g.input('labels', 'float32', ['batch', opts.labelCount]) : undefined;
  const r = opts.loss(g, emb, labels);
  if (r.dEmb.length !== emb.length) throw new OnnxGraphError(`step graph: the loss gave ${r.dEmb.length} embedding gradients for ${emb.length} columns`);
  g.output(g.op('Identity', [r.loss], {}, { name: 'loss' }), 'float32', []);
  const grads = appendBackward(g, {
    outputs: emb.map((output, c) => ({ output, dOutput: r.dEmb[c] })),
    targets: src.params.map((x) => x.name),
    gradName: (t) => `grad.${t}`,
  });
  for (const x of src.params) {
    if (!grads.get(x.name)) throw new OnnxGraphError(`step graph: parameter "${x.name}" gets no gradient`);
    g.output(`grad.${x.name}`, 'float32', x.shape);
  }
  return { params: src.params, bytes: g.toBytes({ docString: 'fused training step (forward, loss, backward) built by genq-workbench' }) };
}

/** HF tensors (PyTorch layout) → device tensors. */
export function toDeviceLayout(layout: DeviceParam[], hf: Map<string, { shape: number[]; data: Float32Array }>): Map<string, Float32Array> {
  const get = (name: string) => {
    const t = hf.get(name);
    if (!t) throw new OnnxGraphError(`training parameters: "${name}" is missing`);
    return t;
  };
  const out = new Map<string, Float32Array>();
  for (const p of layout) {
    if (p.kind === 'copy') out.set(p.name, get(p.hf[0]).data);
    else if (p.kind === 'transpose') {
      const [inp, o] = p.shape;
      out.set(p.name, transpose(get(p.hf[0]).data, o, inp)); // [out, in] → [in, out]
    } else {
      const parts = p.hf.map(get);
      const h = parts[0].shape[0];
      const fused = new Float32Array(p.shape.reduce((a, b) => a * b, 1));
      if (p.shape.length === 1) parts.forEach((t, i) => fused.set(t.data, i * h));
      else parts.forEach((t, i) => {
        const wT = transpose(t.data, h, h); // [h_in, h_out]
        for (let r = 0; r < h; r++) fused.set(wT.subarray(r * h, (r + 1) * h), r * 3 * h + i * h);
      });
      out.set(p.name, fused);
    }
  }
  return out;
}

/** Device tensors → HF names and PyTorch layouts. */
export function fromDeviceLayout(layout: DeviceParam[], dev: Map<string, Float32Array>): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const p of layout) {
    const d = dev.get(p.name);
    if (!d) throw new OnnxGraphError(`device parameters: "${p.name}" is missing`);
    if (p.kind === 'copy') out.set(p.hf[0], { shape: p.shape, data: d });
    else if (p.kind === 'transpose') {
      const [inp, o] = p.shape;
      out.set(p.hf[0], { shape: [o, inp], data: transpose(d, inp, o) });
    } else if (p.shape.length === 1) {
      const h = p.shape[0] / 3;
      p.hf.forEach((name, i) => out.set(name, { shape: [h], data: d.slice(i * h, (i + 1) * h) }));
    } else {
      const h = p.shape[0];
      p.hf.forEach((name, i) => {
        const wT = new Float32Array(h * h); // [h_in, h_out]
        for (let r = 0; r < h; r++) wT.set(d.subarray(r * 3 * h + i * h, r * 3 * h + (i + 1) * h), r * h);
        out.set(name, { shape: [h, h], data: transpose(wT, h, h) });
      });
    }
  }
  return out;
}

/** [rows, cols] row-major → [cols, rows]. */
function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}
