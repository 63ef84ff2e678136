// The one fine-tuning loop, for every engine and loss: batches of examples (N text columns + optional
// labels) → step.ts (engine forwards, host loss, engine backwards) → divergence check → clip
// coefficient → engine.apply(lr, coef) at the scheduled lr. Evals embed through the engine;
// checkpoints go through engine.exportParams/exportOptimizer/importState in one on-disk format, so
// a run checkpointed on one engine resumes on another. A job handler drives it through callbacks
// (step, checkpoint, eval) and an AbortSignal.
import { epochBatches, pairExamples, BatchingError, type Example, type Pair } from './batches.js';
import { CheckpointError, latestCheckpoint, loadCheckpoint, saveCheckpoint, type LoopState } from './checkpoint.js';
import type { EngineParamTensor, TrainingEngine } from './engine.js';
import type { TrainingLoss } from './losses/loss.js';
import { mnrLoss } from './losses/mnr.js';
import { linearWarmupDecay, warmupStepsFor } from './schedule.js';
import { embedTexts, stepGradients, type Tokenize } from './step.js';
import type { TrainableModel } from './trainable.js';
import { tokenizeBatch } from './training-inputs.js';

export interface TrainSettings {
  batchSize: number;
  /** Epochs to run when `steps` is not given. */
  epochs: number;
  /** Total optimizer steps; overrides epochs (the data repeats as needed). */
  steps?: number;
  lr: number;
  warmupSteps?: number;
  warmupRatio?: number;
  weightDecay: number;
  adamEps: number;
  beta1: number;
  beta2: number;
  maxGradNorm: number;
  maxSeqLength: number;
  /** Overrides the config's dropout (0 = off, for exactness checks); undefined keeps it. */
  dropout?: number;
  shuffle: boolean;
  seed: number;
  /** MNR options, used when train() builds the loss (runTraining takes a loss instead). */
  scale: number;
  symmetric: boolean;
  /** GradCache mini-batch size (bounded memory for large batches). */
  miniBatchSize?: number;
  /** Exempt biases and LayerNorm weights from weight decay (transformers Trainer style). */
  noDecayBiasAndNorm: boolean;
  checkpointDir?: string;
  /** Save every N steps (and at each epoch end) when checkpointDir is set. */
  checkpointEvery?: number;
  /** Complete checkpoints kept on disk (older ones are deleted); default 2. */
  keepCheckpoints?: number;
  /** Stop after this many evaluations without a better score. */
  earlyStoppingPatience?: number;
}

export const DEFAULT_SETTINGS: Omit<TrainSettings, 'maxSeqLength'> = {
  batchSize: 32, epochs: 1, lr: 2e-5, warmupRatio: 0.1, weightDecay: 0.01, adamEps: 1e-6, beta1: 0.9, beta2: 0.999,
  maxGradNorm: 1, shuffle: true, seed: 42, scale: 20, symmetric: false, noDecayBiasAndNorm: false,
};

export interface StepEvent { step: number; epoch: number; loss: number; lr: number; gradNorm: number; pairsPerSec: number; etaSec: number; totalSteps: number }
export interface EvalResult { score: number; metrics: Record<string, number> }
export interface EvalContext { step: number; epoch: number; embed: (texts: string[]) => Promise<Float32Array[]> }

export interface TrainCallbacks {
  onStep?: (e: StepEvent) => void;
  onCheckpoint?: (e: { step: number; dir: string }) => void;
  /** Dev-set evaluation (e.g. MRR@10 as score) at each epoch end and at the end of training. */
  evaluate?: (ctx: EvalContext) => EvalResult | Promise<EvalResult>;
  signal?: AbortSignal;
}

export interface TrainResult { steps: number; losses: number[]; evals: LoopState['evals']; stopped: 'completed' | 'early-stopping' | 'aborted' }

export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
}

/** What one run trains: an engine (holding the parameters), its tokenizer, a loss and the examples. */
export interface TrainingRunInput {
  engine: TrainingEngine;
  tokenize: Tokenize;
  loss: TrainingLoss;
  examples: Example[];
  /**
   * Examples of a given epoch, when they change per epoch (GPL: a fresh hard negative per query);
   * same count and order of queries every epoch. `examples` is epoch 0's.
   */
  examplesForEpoch?: (epoch: number) => Example[];
  /** Dropout when settings.dropout is undefined (the config's; 0.1 for most models). */
  defaultDropout: number;
}

export interface PlannedStep { epoch: number; batch: number[]; lastOfEpoch: boolean }

/** Every step's batch (example indices) and epoch, for the whole run. Refuses data that gives no step. */
export function planSteps(examples: Example[] | ((epoch: number) => Example[]), s: Pick<TrainSettings, 'steps' | 'epochs' | 'batchSize' | 'shuffle' | 'seed'>, loss: Pick<TrainingLoss, 'inBatchNegatives' | 'name'>): PlannedStep[] {
  const plan: PlannedStep[] = [];
  if (loss.inBatchNegatives && s.batchSize < 2) {
    throw new BatchingError(`${loss.name} uses the other examples of a batch as negatives, so batch size ${s.batchSize} gives it nothing to learn from; use a batch size of at least 2`);
  }
  for (let epoch = 0; s.steps !== undefined ? plan.length < s.steps : epoch < s.epochs; epoch++) {
    const items = typeof examples === 'function' ? examples(epoch) : examples;
    const batches = epochBatches(items, s.batchSize, { shuffle: s.shuffle, seed: s.seed, epoch, inBatchNegatives: loss.inBatchNegatives });
    if (batches.length === 0) {
      throw new BatchingError(
        `no batch of ${items.length} examples has two examples without a shared text (e.g. every pair is on the same passage), so ${loss.name} has no in-batch negatives; add pairs on other passages`,
      );
    }
    batches.forEach((batch, i) => plan.push({ epoch, batch, lastOfEpoch: i === batches.length - 1 }));
  }
  return s.steps !== undefined ? plan.slice(0, s.steps) : plan;
}

function fingerprint(examples: Example[], s: TrainSettings, loss: TrainingLoss): string {
  // Mini-batching gives the same gradients (the memory planner may pick it per machine); the
  // MNR fields of the settings are the loss's options when a loss is given.
  const { checkpointDir: _d, checkpointEvery: _e, keepCheckpoints: _k, miniBatchSize: _m, scale: _s, symmetric: _y, ...trajectory } = s;
  return JSON.stringify({ ...trajectory, loss: { name: loss.name, ...loss.options }, examples: examples.length });
}

function nonFinite(params: Map<string, EngineParamTensor>): string | null {
  for (const [name, t] of params) for (const v of t.data) if (!Number.isFinite(v)) return name;
  return null;
}

/**
 * Trains the engine's parameters. With `resume`, continues from the newest checkpoint in
 * settings.checkpointDir when one exists (or from the given checkpoint folder).
 */
export async function runTraining(input: TrainingRunInput, s: TrainSettings, cb: TrainCallbacks = {}, resume?: boolean | string): Promise<TrainResult> {
  const { engine, loss, examples, tokenize } = input;
  for (const [i, ex] of examples.entries()) {
    if (ex.texts.length < loss.columns.min || ex.texts.length > loss.columns.max) {
      throw new BatchingError(`example ${i}: ${loss.name} needs ${loss.columns.min}${loss.columns.max > loss.columns.min ? `–${loss.columns.max}` : ''} texts, got ${ex.texts.length}`);
    }
    if (loss.needsLabels && !ex.labels?.length) throw new BatchingError(`example ${i}: ${loss.name} needs a label (e.g. a teacher margin) per example`);
  }
  const columnCount = examples[0]?.texts.length ?? 0;
  if (examples.some((e) => e.texts.length !== columnCount)) throw new BatchingError('every example needs the same number of texts');
  let cached: { epoch: number; examples: Example[] } = { epoch: 0, examples };
  const examplesOf = (epoch: number): Example[] => {
    if (!input.examplesForEpoch || epoch === 0) return examples;
    if (cached.epoch !== epoch) cached = { epoch, examples: input.examplesForEpoch(epoch) };
    if (cached.examples.length !== examples.length) throw new BatchingError(`epoch ${epoch} has ${cached.examples.length} examples, epoch 0 had ${examples.length}`);
    return cached.examples;
  };
  const plan = planSteps(examplesOf, s, loss);
  const totalSteps = plan.length;
  const warmup = warmupStepsFor(totalSteps, s);
  const dropout = s.dropout ?? input.defaultDropout;
  let state: LoopState = { step: 0, totalSteps, losses: [], evals: [], bestScore: null, evalsWithoutImprovement: 0, fingerprint: fingerprint(examples, s, loss) };
  if (resume && typeof resume !== 'string' && !s.checkpointDir) throw new CheckpointError('resume needs a checkpoint folder');
  const from = typeof resume === 'string' ? resume : resume && s.checkpointDir ? latestCheckpoint(s.checkpointDir) : null;
  if (from) {
    const ck = loadCheckpoint(from);
    if (ck.state.fingerprint !== state.fingerprint) {
      throw new CheckpointError(`${from}: checkpoint was made with different settings or data; refusing to resume (${ck.state.fingerprint} vs ${state.fingerprint})`);
    }
    await engine.importState(ck.params, ck.optimizer);
    state = ck.state;
  }
  const checkpoint = async () => {
    if (!s.checkpointDir) return;
    const params = await engine.exportParams();
    const bad = nonFinite(params);
    if (bad) throw new TrainingDivergedError(`training diverged by step ${state.step}: parameter "${bad}" is not finite; nothing was saved. Lower the learning rate`);
    const dir = saveCheckpoint(s.checkpointDir, params, await engine.exportOptimizer(), state, s.keepCheckpoints ?? 2);
    cb.onCheckpoint?.({ step: state.step, dir });
  };
  const embed = (texts: string[]) => embedTexts(engine, tokenize, texts, s.maxSeqLength);
  const started = Date.now();
  const startStep = state.step;
  let stopped: TrainResult['stopped'] = 'completed';
  while (state.step < totalSteps) {
    if (cb.signal?.aborted) {
      stopped = 'aborted';
      break;
    }
    const { epoch, batch, lastOfEpoch } = plan[state.step];
    const lr = s.lr * linearWarmupDecay(state.step, warmup, totalSteps);
    const items = examplesOf(epoch);
    const columns = Array.from({ length: columnCount }, (_, c) => batch.map((i) => items[i].texts[c]));
    const labels = loss.needsLabels ? batch.map((i) => items[i].labels!) : undefined;
    let stepLoss: number;
    let gradNorm: number;
    try {
      ({ loss: stepLoss } = await stepGradients(engine, tokenize, loss, columns, labels, { maxSeqLength: s.maxSeqLength, dropout, miniBatchSize: s.miniBatchSize, seed: s.seed, step: state.step }));
      gradNorm = await engine.gradNorm();
    } catch (e) {
      await engine.zeroGrad();
      throw e;
    }
    if (!Number.isFinite(stepLoss) || !Number.isFinite(gradNorm)) {
      await engine.zeroGrad();
      throw new TrainingDivergedError(`training diverged at step ${state.step}: loss ${stepLoss}, gradient norm ${gradNorm} (lr ${lr}); lower the learning rate or check the pairs`);
    }
    await engine.apply(lr, Math.min(1, s.maxGradNorm / (gradNorm + 1e-6)));
    state.losses.push(stepLoss);
    state.step += 1;
    const elapsed = (Date.now() - started) / 1000;
    const done = state.step - startStep;
    cb.onStep?.({ step: state.step - 1, epoch, loss: stepLoss, lr, gradNorm, totalSteps, pairsPerSec: (done * batch.length) / Math.max(elapsed, 1e-9), etaSec: (elapsed / done) * (totalSteps - state.step) });
    const end = state.step === totalSteps;
    if ((lastOfEpoch || end) && cb.evaluate) {
      const r = await cb.evaluate({ step: state.step, epoch, embed });
      state.evals.push({ step: state.step, epoch, score: r.score, metrics: r.metrics });
      const improved = state.bestScore === null || r.score > state.bestScore;
      state.bestScore = improved ? r.score : state.bestScore;
      state.evalsWithoutImprovement = improved ? 0 : state.evalsWithoutImprovement + 1;
    }
    const patienceOut = s.earlyStoppingPatience !== undefined && state.evalsWithoutImprovement >= s.earlyStoppingPatience;
    if (lastOfEpoch || end || patienceOut || (s.checkpointEvery && state.step % s.checkpointEvery === 0)) await checkpoint();
    if (patienceOut && !end) {
      stopped = 'early-stopping';
      break;
    }
    await new Promise((r) => setImmediate(r)); // let the host handle messages (abort, progress)
  }
  if (stopped !== 'aborted') {
    // The last step's update can overflow without a later loss to show it (e.g. lr 1e308).
    const bad = nonFinite(await engine.exportParams());
    if (bad) throw new TrainingDivergedError(`training diverged: after ${state.step} steps parameter "${bad}" is not finite (lr ${s.lr}); lower the learning rate`);
  }
  return { steps: state.step, losses: state.losses, evals: state.evals, stopped };
}

/** The dropout a model trains with by default (its config's). */
export function configDropout(model: Pick<TrainableModel, 'config'>): number {
  return Math.max(model.config.hiddenDropout, model.config.attentionDropout);
}

/**
 * MNR training of a TrainableModel on the tfjs engine (its params are updated in place): the loop
 * above with pairs as two-column examples.
 */
export async function train(model: TrainableModel, pairs: Pair[], s: TrainSettings, cb: TrainCallbacks = {}, resume?: boolean | string): Promise<TrainResult> {
  const { TfjsEngine } = await import('./tfjs-engine.js'); // on demand: most processes never load tfjs-core
  const engine = TfjsEngine.forModel(model, { adamw: adamwOptions(s) });
  try {
    return await runTraining({ engine, tokenize: (texts, max) => tokenizeBatch(model, texts, max), loss: mnrLoss({ scale: s.scale, symmetric: s.symmetric }), examples: pairExamples(pairs), defaultDropout: configDropout(model) }, s, cb, resume);
  } finally {
    await engine.dispose();
  }
}

/** AdamW options from the settings (torch defaults; transformers' no-decay list when asked). */
export function adamwOptions(s: TrainSettings) {
  return {
    beta1: s.beta1, beta2: s.beta2, eps: s.adamEps, weightDecay: s.weightDecay,
    noDecay: s.noDecayBiasAndNorm ? (n: string) => n.endsWith('.bias') || n.includes('LayerNorm') : undefined,
  };
}
