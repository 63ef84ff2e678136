// The MNR fine-tuning loop: batches → loss and gradients → clip → AdamW at the scheduled lr.
// A job handler drives it through callbacks (step, checkpoint, eval) and an AbortSignal, and
// resumes it from a checkpoint to the same trajectory.
import { AdamW, clipGradNorm } from './adamw.js';
import { epochBatches, type Pair } from './batches.js';
import { CheckpointError, latestCheckpoint, loadCheckpoint, restoreParams, saveCheckpoint, type LoopState } from './checkpoint.js';
import { linearWarmupDecay, warmupStepsFor } from './schedule.js';
import { embedTexts, stepGradients } from './step.js';
import type { TrainableModel } from './trainable.js';

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
export interface EvalContext { step: number; epoch: number; embed: (texts: string[]) => Float32Array[] }

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

/** Every step's batch (pair indices) and epoch, for the whole run. */
function planSteps(pairs: Pair[], s: TrainSettings): Array<{ epoch: number; batch: number[]; lastOfEpoch: boolean }> {
  const plan: Array<{ epoch: number; batch: number[]; lastOfEpoch: boolean }> = [];
  for (let epoch = 0; s.steps !== undefined ? plan.length < s.steps : epoch < s.epochs; epoch++) {
    const batches = epochBatches(pairs, s.batchSize, { shuffle: s.shuffle, seed: s.seed, epoch });
    batches.forEach((batch, i) => plan.push({ epoch, batch, lastOfEpoch: i === batches.length - 1 }));
  }
  return s.steps !== undefined ? plan.slice(0, s.steps) : plan;
}

function fingerprint(pairs: Pair[], s: TrainSettings): string {
  const { checkpointDir: _d, checkpointEvery: _e, keepCheckpoints: _k, ...trajectory } = s;
  return JSON.stringify({ ...trajectory, pairs: pairs.length });
}

/**
 * Trains `model.params` in place. With `resume`, continues from the newest checkpoint in
 * settings.checkpointDir when one exists (or from the given checkpoint folder).
 */
export async function train(model: TrainableModel, pairs: Pair[], s: TrainSettings, cb: TrainCallbacks = {}, resume?: boolean | string): Promise<TrainResult> {
  const plan = planSteps(pairs, s);
  const totalSteps = plan.length;
  const warmup = warmupStepsFor(totalSteps, s);
  const optimizer = new AdamW({
    beta1: s.beta1, beta2: s.beta2, eps: s.adamEps, weightDecay: s.weightDecay,
    noDecay: s.noDecayBiasAndNorm ? (n) => n.endsWith('.bias') || n.includes('LayerNorm') : undefined,
  });
  let state: LoopState = { step: 0, totalSteps, losses: [], evals: [], bestScore: null, evalsWithoutImprovement: 0, fingerprint: fingerprint(pairs, s) };
  const from = typeof resume === 'string' ? resume : resume && s.checkpointDir ? latestCheckpoint(s.checkpointDir) : null;
  if (from) {
    const ck = loadCheckpoint(from);
    if (ck.state.fingerprint !== state.fingerprint) {
      throw new CheckpointError(`${from}: checkpoint was made with different settings or data; refusing to resume (${ck.state.fingerprint} vs ${state.fingerprint})`);
    }
    restoreParams(model.params, ck.params);
    optimizer.importState(ck.optimizer, new Map([...model.params].map(([k, t]) => [k, t.shape])));
    state = ck.state;
  }
  const checkpoint = () => {
    if (!s.checkpointDir) return;
    const dir = saveCheckpoint(s.checkpointDir, model.params, optimizer.exportState(), state, s.keepCheckpoints ?? 2);
    cb.onCheckpoint?.({ step: state.step, dir });
  };
  const started = Date.now();
  const startStep = state.step;
  let stopped: TrainResult['stopped'] = 'completed';
  try {
    while (state.step < totalSteps) {
      if (cb.signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      const { epoch, batch, lastOfEpoch } = plan[state.step];
      const lr = s.lr * linearWarmupDecay(state.step, warmup, totalSteps);
      const { loss, grads } = stepGradients(model, batch.map((i) => pairs[i].query), batch.map((i) => pairs[i].passage), {
        maxSeqLength: s.maxSeqLength, scale: s.scale, symmetric: s.symmetric, dropout: s.dropout, miniBatchSize: s.miniBatchSize, seed: s.seed, step: state.step,
      });
      try {
        const gradNorm = clipGradNorm(grads.grads, s.maxGradNorm);
        if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
          throw new TrainingDivergedError(
            `training diverged at step ${state.step}: loss ${loss}, gradient norm ${gradNorm} (lr ${lr}); lower the learning rate or check the pairs`,
          );
        }
        optimizer.apply(model.params, grads.grads, lr);
        state.losses.push(loss);
        state.step += 1;
        const elapsed = (Date.now() - started) / 1000;
        const done = state.step - startStep;
        cb.onStep?.({ step: state.step - 1, epoch, loss, lr, gradNorm, totalSteps, pairsPerSec: (done * s.batchSize) / Math.max(elapsed, 1e-9), etaSec: (elapsed / done) * (totalSteps - state.step) });
      } finally {
        grads.dispose();
      }
      const end = state.step === totalSteps;
      if ((lastOfEpoch || end) && cb.evaluate) {
        const r = await cb.evaluate({ step: state.step, epoch, embed: (texts) => embedTexts(model, texts, s.maxSeqLength) });
        state.evals.push({ step: state.step, epoch, score: r.score, metrics: r.metrics });
        const improved = state.bestScore === null || r.score > state.bestScore;
        state.bestScore = improved ? r.score : state.bestScore;
        state.evalsWithoutImprovement = improved ? 0 : state.evalsWithoutImprovement + 1;
      }
      const patienceOut = s.earlyStoppingPatience !== undefined && state.evalsWithoutImprovement >= s.earlyStoppingPatience;
      if (lastOfEpoch || end || patienceOut || (s.checkpointEvery && state.step % s.checkpointEvery === 0)) checkpoint();
      if (patienceOut && !end) {
        stopped = 'early-stopping';
        break;
      }
      await new Promise((r) => setImmediate(r)); // let the host handle messages (abort, progress)
    }
  } finally {
    optimizer.dispose();
  }
  return { steps: state.step, losses: state.losses, evals: state.evals, stopped };
}
