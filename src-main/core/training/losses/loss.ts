// What a training loss is to the loop: a pure host function of the sentence embeddings of each
// text column (and optional per-example labels) returning the loss and its gradient w.r.t. every
// embedding. Engines never see it; step.ts feeds the gradient back through engine forwards.
// Modelled on sentence-transformers' losses: the trainer passes N text columns and labels and
// never asks which loss it has.
// A loss may also have a graph form (losses/*-graph.ts): the same loss and closed-form gradient as
// ONNX ops, so the onnxruntime engine runs forward, loss and backward of a step in one graph.
import type { OnnxGraph } from '../../models/onnx/graph.js';

/** One column's embeddings: [batch * hidden] row-major. */
export type ColumnEmbeddings = Float32Array;

export interface LossResult {
  loss: number;
  /** dLoss/dEmbedding per column, same layout as the input ([batch * hidden]). */
  dEmb: Float32Array[];
}

export interface TrainingLoss {
  /** Stable name (in checkpoints' fingerprint and run configs): 'mnr' | 'margin-mse'. */
  readonly name: string;
  /** Options that change the trajectory (also in the fingerprint). */
  readonly options: Record<string, string | number | boolean>;
  /** Text columns an example must have (MNR: 2 or more, MarginMSE: 3). */
  readonly columns: { min: number; max: number };
  /** True when the loss needs one label per example. */
  readonly needsLabels: boolean;
  /**
   * True when other examples of the batch act as negatives (MNR): batches then hold no text
   * twice and need at least 2 examples.
   */
  readonly inBatchNegatives: boolean;
  compute(emb: ColumnEmbeddings[], batch: number, hidden: number, labels?: Float32Array): LossResult;
  /** The same loss as ONNX ops (fused training step); absent: the loop uses compute() between engine passes. */
  readonly graph?: LossGraph;
}

/**
 * A loss as graph ops, float32, with the same closed-form gradient as compute(). Embedding values are
 * [batch, hidden] each; the loss is a scalar.
 */
export interface LossGraph {
  /**
   * Checks a step's inputs as compute() does (LossInputError) and returns the dims of the labels input
   * for `columns` text columns (null: the loss reads no labels).
   */
  labelDims(columns: number, batch: number, labels?: Float32Array): number[] | null;
  /** Appends the loss; `labels` is the labels input when labelDims() gave dims. */
  build(g: OnnxGraph, emb: string[], labels?: string): { loss: string; dEmb: string[] };
}

export class LossInputError extends Error {
  override name = 'LossInputError';
}

/** Row i of a [B*H] column as float64. */
export function row(x: Float32Array, i: number, H: number): Float64Array {
  return Float64Array.from(x.subarray(i * H, (i + 1) * H));
}

export function checkColumns(name: string, emb: ColumnEmbeddings[], B: number, H: number, columns: { min: number; max: number }): void {
  if (emb.length < columns.min || emb.length > columns.max) {
    const want = columns.min === columns.max ? `${columns.min}` : `${columns.min}–${columns.max}`;
    throw new LossInputError(`${name}: expected ${want} text columns, got ${emb.length}`);
  }
  emb.forEach((e, c) => {
    if (e.length !== B * H) throw new LossInputError(`${name}: column ${c} holds ${e.length} values, expected batch ${B} × hidden ${H} = ${B * H}`);
  });
}
