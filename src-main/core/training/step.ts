// One optimizer step's loss and gradients, engine-agnostic: every text column of the batch is
// embedded by the engine, the loss (a host function of the embeddings, losses/*.ts) gives dLoss/dEmb,
// and each kept forward backpropagates its slice into the engine's accumulated gradients.
//
// Without mini-batches each column is one kept forward (all columns' activations live at once).
// GradCache (sentence-transformers' Cached* losses, Gao et al. 2021): embed every mini-batch with
// keep: false, take the loss, then redo each mini-batch with keep: true and the same dropout seed
// and backpropagate its slice. Same gradients, activation memory bounded by the mini-batch.
// Cost per step: one forward per text (two with GradCache) + one backward; host work O(B²·H) for MNR.
// Without mini-batches, an engine with stepGraph() and a loss with a graph form run the whole step
// (forwards, loss, backward) in one engine run instead: the same gradients, same dropout seeds, and
// activations never leave the engine (the onnxruntime engine on CPU otherwise recomputes each forward).
import type { EngineForward, TrainingEngine } from './engine.js';
import type { LossResult, TrainingLoss } from './losses/loss.js';
import type { TokenBatch } from './model.js';
import { mixSeed } from './rng.js';

export type Tokenize = (texts: string[], maxSeqLength: number) => TokenBatch;

export interface StepSettings {
  maxSeqLength: number;
  /** Dropout probability for this step (0 disables). */
  dropout: number;
  /** GradCache mini-batch size; undefined or ≥ batch size computes each column in one pass. */
  miniBatchSize?: number;
  seed: number;
  step: number;
}

/** The dropout seed of (step, column, chunk): a pure function, so a recomputed pass draws the same masks. */
export function passSeed(seed: number, step: number, column: number, chunk: number): number {
  return mixSeed(seed, step, column, chunk);
}

/** Flattens per-example labels ([B] or [B, n]) for the loss. */
function flatLabels(labels: number[][] | undefined): Float32Array | undefined {
  return labels ? Float32Array.from(labels.flat()) : undefined;
}

/**
 * Loss of one batch; the parameter gradients are left accumulated in the engine (the caller
 * decides whether to apply them). columns[c][i] is text c of example i.
 */
export async function stepGradients(engine: TrainingEngine, tokenize: Tokenize, loss: TrainingLoss, columns: string[][], labels: number[][] | undefined, s: StepSettings): Promise<{ loss: number }> {
  const B = columns[0].length;
  const H = engine.hidden;
  const dropout = (c: number, k: number) => (s.dropout > 0 ? { p: s.dropout, seed: passSeed(s.seed, s.step, c, k) } : null);
  const chunks: Array<[number, number]> = [];
  const mini = s.miniBatchSize && s.miniBatchSize < B ? s.miniBatchSize : B;
  for (let start = 0; start < B; start += mini) chunks.push([start, Math.min(B, start + mini)]);
  const cached = chunks.length > 1;
  if (!cached && engine.stepGraph && loss.graph) {
    return engine.stepGraph(columns.map((texts) => tokenize(texts, s.maxSeqLength)), columns.map((_, c) => dropout(c, 0)), loss, flatLabels(labels));
  }
  const kept: EngineForward[][] = [];
  let r: LossResult;
  try {
    const emb: Float32Array[] = [];
    for (let c = 0; c < columns.length; c++) {
      const col = new Float32Array(B * H); // [B, H]
      const keptCol: EngineForward[] = [];
      for (let k = 0; k < chunks.length; k++) {
        const [a, b] = chunks[k];
        const fwd = await engine.forward(tokenize(columns[c].slice(a, b), s.maxSeqLength), { keep: !cached, dropout: dropout(c, k) });
        col.set(fwd.embeddings, a * H);
        if (!cached) keptCol.push(fwd);
      }
      kept.push(keptCol);
      emb.push(col);
    }
    r = loss.compute(emb, B, H, flatLabels(labels));
  } catch (e) {
    kept.flat().forEach((f) => f.release());
    throw e;
  }
  const pending = new Set(kept.flat());
  try {
    for (let c = 0; c < columns.length; c++) {
      for (let k = 0; k < chunks.length; k++) {
        const [a, b] = chunks[k];
        const fwd = cached ? await engine.forward(tokenize(columns[c].slice(a, b), s.maxSeqLength), { keep: true, dropout: dropout(c, k) }) : kept[c][k];
        pending.delete(fwd);
        await fwd.backward(r.dEmb[c].subarray(a * H, b * H));
      }
    }
  } finally {
    for (const f of pending) f.release(); // a failed backward leaves the others unconsumed
  }
  return { loss: r.loss };
}

/** Sentence embeddings in eval mode (no dropout, nothing kept), batched. One row per text. */
export async function embedTexts(engine: TrainingEngine, tokenize: Tokenize, texts: string[], maxSeqLength: number, batchSize = 32): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const fwd = await engine.forward(tokenize(texts.slice(start, start + batchSize), maxSeqLength), { keep: false });
    for (let i = 0; i < fwd.batch; i++) out.push(fwd.embeddings.slice(i * fwd.hidden, (i + 1) * fwd.hidden));
  }
  return out;
}
