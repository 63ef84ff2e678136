// genq train --model DIR --pairs FILE | --triplets FILE | --project DIR --output DIR [options]
// Fine-tunes a BERT/MPNet bi-encoder with MultipleNegativesRankingLoss (GenQ, on query–passage
// pairs) or MarginMSE (GPL, on mined triplets with cross-encoder margins), on the tfjs or the
// onnxruntime engine; prints one JSON line per step ({"step", "loss", "lr"}; step 0-based, lr the
// value used for that step) and writes the tuned model as a sentence-transformers folder.
// Flags are checked by the job API's zod schema (shared/services/training.ts) and the output folder
// before anything loads; checkpoints go to <output>.checkpoints by default so a kill loses at most
// --checkpoint-every steps (--resume continues from there); a diverged run writes no model.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { describeDeviceMemory, trainingMemoryLines } from '../../../shared/device-memory.js';
import { trainingSettingsSchema } from '../../../shared/services/training.js';
import { reportDeviceMemory, trainingMemory } from '../../core/models/device-memory.js';
import { loadModelFolder } from '../../core/models/folder.js';
import { resolveModelFolder } from '../../core/models/model-ref.js';
import { acquireFolderLock } from '../../core/project/locks.js';
import { exportPrompts, folderPrefixes, projectModelPrefixes, type ModelPrefixes } from '../../core/models/prefixes.js';
import { pairExamples, type Example } from '../../core/training/batches.js';
import { latestCheckpoint } from '../../core/training/checkpoint.js';
import { createEngine, openTrainingModel, planRun, type EngineChoice } from '../../core/training/engines.js';
import { isOutOfMemory, memoryError, TrainingMemoryError } from '../../core/training/memory-plan.js';
import { exportSentenceTransformerArrays } from '../../core/training/export.js';
import { evaluateDevSet } from '../../core/training/dev-eval.js';
import type { DevSet, PairStatuses } from '../../core/training/project-pairs.js';
import { parameterShapes } from '../../core/training/encoder-config.js';
import { adamwOptions, DEFAULT_SETTINGS, runTraining, type TrainSettings } from '../../core/training/trainer.js';
import { lossFor, projectTrainingData, readTripletsFile, tripletExamples, type LossName, type TrainingData } from '../../core/training/training-data.js';
import type { CliContext } from '../context.js';
import { commandArgv, parseFlags } from '../flags.js';
import { projectModel } from '../model-ref.js';
import { trainInputs } from '../train-inputs.js';
import { positiveInt } from './embed.js';

const number = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a finite number.`);
  return n;
};

export interface TrainCliOptions {
  model: string;
  pairs?: string;
  triplets?: string;
  project?: string;
  output: string;
  overwrite?: boolean;
  loss: LossName;
  engine: EngineChoice;
  provider: 'auto' | 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';
  epochs: number;
  steps?: number;
  batchSize: number;
  lr: number;
  warmupRatio?: number;
  warmupSteps?: number;
  weightDecay: number;
  adamEps: number;
  maxGradNorm: number;
  maxSeqLength?: number;
  dropout?: number;
  shuffle: boolean;
  seed: number;
  symmetric?: boolean;
  miniBatchSize?: number;
  checkpointDir?: string;
  checkpointEvery: number;
  resume?: boolean;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  status: PairStatuses;
}

const FLAGS: Record<string, string> = {
  epochs: '--epochs', steps: '--steps', batchSize: '--batch-size', lr: '--lr', warmupRatio: '--warmup-ratio', weightDecay: '--weight-decay',
  adamEps: '--adam-eps', maxGradNorm: '--max-grad-norm', maxSeqLength: '--max-seq-length', dropout: '--dropout', seed: '--seed',
  miniBatchSize: '--mini-batch-size', checkpointEvery: '--checkpoint-every', backend: '--backend', engine: '--engine', provider: '--provider', loss: '--loss',
};

/** The flags the job API also takes, through the same schema; one line per problem. */
export function validateTrainFlags(opts: TrainCliOptions, argv?: string[]): void {
  parseFlags(trainingSettingsSchema, {
    epochs: opts.epochs, steps: opts.steps, batchSize: opts.batchSize, lr: opts.lr, warmupRatio: opts.warmupRatio, weightDecay: opts.weightDecay,
    adamEps: opts.adamEps, maxGradNorm: opts.maxGradNorm, maxSeqLength: opts.maxSeqLength, dropout: opts.dropout, seed: opts.seed,
    symmetric: Boolean(opts.symmetric), miniBatchSize: opts.miniBatchSize, checkpointEvery: opts.checkpointEvery, backend: opts.backend,
    engine: opts.engine, provider: opts.provider, loss: opts.loss,
  }, { flags: FLAGS, argv });
  if (opts.warmupSteps !== undefined && (!Number.isInteger(opts.warmupSteps) || opts.warmupSteps < 0)) throw new Error('--warmup-steps: must be a non-negative integer');
}

/** Refuses an output that would destroy the base model, mix files, or fail only after training. */
export function checkOutput(output: string, modelDir: string, overwrite: boolean): void {
  const out = resolve(output);
  if (out === resolve(modelDir)) throw new Error(`--output ${output} is the base model's folder; training would overwrite the base weights. Choose another folder`);
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new Error(`--output ${output} is an existing file, not a folder`);
  if (readdirSync(out).length > 0 && !overwrite) throw new Error(`--output ${output} is not empty; give --overwrite to replace its contents, or choose an empty folder`);
}

/** "mrr@10 0.4123, recall@10 0.8000, ndcg@10 0.5012" */
const devLine = (metrics: Record<string, number>) => Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');

interface Inputs { modelDir: string; data: TrainingData; prefixes: ModelPrefixes; register(outDir: string): Promise<void>; dev?: DevSet | null }

async function loadInputs(opts: TrainCliOptions, ctx: CliContext): Promise<Inputs> {
  if (opts.loss === 'mnr') {
    if (opts.triplets) throw new Error('--triplets is MarginMSE data; give --loss margin-mse, or --pairs for MNR');
    const i = await trainInputs(opts, ctx); // --model: project model, folder or cached Hub id; pairs prefixed for the model
    if (i.pairs.length < 2) throw new Error(`${opts.pairs ?? opts.project}: ${i.summary}; MNR needs at least 2`);
    ctx.err(`genq train: ${i.summary}`);
    return { modelDir: i.modelDir, prefixes: i.prefixes, register: i.register, dev: i.dev, data: { examples: pairExamples(i.pairs), describe: `${i.pairs.length} pairs` } };
  }
  if (opts.pairs) throw new Error('--loss margin-mse trains on triplets with teacher margins: give --triplets FILE (JSONL {"query","positive","negative","margin"}) or --project DIR after `genq mine`');
  const prefix = (p: ModelPrefixes) => (e: Example): Example => ({ ...e, texts: e.texts.map((t, c) => (c === 0 ? p.query : p.passage) + t) });
  if (opts.triplets) {
    const { dir } = resolveModelFolder(opts.model);
    const prefixes = folderPrefixes(loadModelFolder(dir));
    const examples = tripletExamples(readTripletsFile(opts.triplets)).map(prefix(prefixes));
    return { modelDir: dir, prefixes, register: async () => {}, data: { examples, describe: `${examples.length} triplets` } };
  }
  const p = await ctx.openProject(opts.project!);
  const base = await projectModel(p, opts.model, ctx, 'encoder');
  const prefixes = projectModelPrefixes(p.db, base.id);
  const data = projectTrainingData(p.db, 'margin-mse', opts.seed);
  const forEpoch = data.examplesForEpoch!;
  return {
    modelDir: base.path, prefixes, register: async () => {},
    data: { ...data, examples: data.examples.map(prefix(prefixes)), examplesForEpoch: (e) => forEpoch(e).map(prefix(prefixes)) },
  };
}

export async function runTrain(opts: TrainCliOptions, ctx: CliContext, argv?: string[]): Promise<void> {
  if ([opts.pairs, opts.triplets, opts.project].filter(Boolean).length !== 1) throw new Error('genq train needs exactly one of --pairs FILE, --triplets FILE or --project DIR');
  if (opts.warmupRatio !== undefined && opts.warmupSteps !== undefined) throw new Error('give --warmup-ratio or --warmup-steps, not both');
  validateTrainFlags(opts, argv);
  // One run per output folder: a second `genq train` into the same --output is refused with who holds
  // it, instead of both writing checkpoints and weights into one folder (a dead holder's lock is taken over).
  mkdirSync(dirname(resolve(opts.output)), { recursive: true }); // the lock file sits beside --output
  const lock = acquireFolderLock(opts.output, `genq train --output ${opts.output}`);
  try {
    await trainHoldingOutput(opts, ctx);
  } finally {
    lock.release();
  }
}

async function trainHoldingOutput(opts: TrainCliOptions, ctx: CliContext): Promise<void> {
  const inputs = await loadInputs(opts, ctx);
  checkOutput(opts.output, inputs.modelDir, Boolean(opts.overwrite));
  const defaultCheckpoints = !opts.checkpointDir;
  const checkpointDir = opts.checkpointDir ?? `${resolve(opts.output)}.checkpoints`;
  if (opts.resume && !latestCheckpoint(checkpointDir)) {
    throw new Error(`--resume: no complete checkpoint in ${checkpointDir}${existsSync(checkpointDir) ? '' : ' (the folder does not exist)'}; run without --resume to start from scratch`);
  }
  // Before any weights load: does the step fit, and in how many GradCache mini-batches?
  const plan = planRun({
    modelDir: inputs.modelDir, engine: opts.engine, backend: opts.backend, provider: opts.provider, batchSize: opts.batchSize,
    columns: inputs.data.examples[0]?.texts.length ?? 2, maxSeqLength: opts.maxSeqLength, dropout: opts.dropout, miniBatchSize: opts.miniBatchSize,
  });
  if (!plan.fits) throw new TrainingMemoryError(`batch ${opts.batchSize} × max_seq_length ${opts.maxSeqLength ?? 'default'} ${plan.message}`);
  ctx.err(`genq train: memory: ${plan.message}`);
  const opened = openTrainingModel(inputs.modelDir);
  const { folder } = opened.model;
  const maxSeqLength = opts.maxSeqLength ?? folder.maxSeqLength;
  const settings: TrainSettings = {
    ...DEFAULT_SETTINGS,
    batchSize: opts.batchSize, epochs: opts.epochs, steps: opts.steps, lr: opts.lr,
    warmupRatio: opts.warmupSteps === undefined ? (opts.warmupRatio ?? DEFAULT_SETTINGS.warmupRatio) : undefined, warmupSteps: opts.warmupSteps,
    weightDecay: opts.weightDecay, adamEps: opts.adamEps, maxGradNorm: opts.maxGradNorm, maxSeqLength, dropout: opts.dropout,
    shuffle: opts.shuffle, seed: opts.seed, symmetric: Boolean(opts.symmetric), miniBatchSize: plan.miniBatchSize,
    checkpointDir, checkpointEvery: opts.checkpointEvery,
  };
  const engine = await createEngine(opts.engine, opened.model, { adamw: adamwOptions(settings), provider: opts.provider, backend: opts.backend });
  if (engine.name === 'tfjs') opened.model.weights.clear(); // copied into the engine's tensors; frees ~4 bytes per parameter
  try {
    for (const reason of engine.device.fallbackReasons) ctx.err(`genq train: not used: ${reason}`);
    ctx.err(`genq train: ${folder.architecture} on ${engine.device.engine} ${engine.device.provider}, ${inputs.data.describe}, batch ${settings.batchSize}, max_seq_length ${maxSeqLength}, loss ${opts.loss}`);
    // With the weights on the device: GPU memory where nvidia-smi reports it, and the engine's own state exactly.
    const memory = await trainingMemory(engine.device.provider, parameterShapes(opened.model.config).map(([, shape]) => shape));
    for (const line of trainingMemoryLines(engine.device.provider, memory.memory, memory.stateBytes)) ctx.err(`genq train: ${line}`);
    const result = await runTraining(
      { engine, tokenize: opened.tokenize, loss: lossFor(opts.loss, { symmetric: settings.symmetric }), examples: inputs.data.examples, examplesForEpoch: inputs.data.examplesForEpoch, defaultDropout: opened.defaultDropout },
      settings,
      {
        onStep: (e) => ctx.out(JSON.stringify({ step: e.step, loss: e.loss, lr: e.lr })),
        onCheckpoint: (e) => ctx.err(`genq train: checkpoint ${e.dir}`),
        // With a held-out split: the dev set at each epoch end, as the Train page's job does.
        evaluate: inputs.dev ? (e) => evaluateDevSet(inputs.dev!, e.embed).then((r) => (ctx.err(`genq train: dev set after ${e.step} steps: ${devLine(r.metrics)}`), r)) : undefined,
      },
      opts.resume,
    ).catch((e: unknown) => {
      throw isOutOfMemory(e) ? memoryError(e, plan, `the ${engine.device.engine} engine (${engine.device.provider})`) : e;
    });
    if (opts.overwrite) rmSync(opts.output, { recursive: true, force: true });
    exportSentenceTransformerArrays(folder, await engine.exportParams(), opts.output, { maxSeqLength, ...exportPrompts(folder, inputs.prefixes) });
    await inputs.register(opts.output);
    if (defaultCheckpoints) rmSync(checkpointDir, { recursive: true, force: true }); // the run is complete; the model is the result
    ctx.err(`genq train: ${result.steps} steps (${result.stopped}) on ${engine.device.engine} ${engine.device.provider}; model written to ${opts.output}`);
    const after = describeDeviceMemory(engine.device.provider, await reportDeviceMemory(engine.device.provider, { cacheMs: 0 }));
    if (after) ctx.err(`genq train: after training: ${after}`);
  } finally {
    await engine.dispose();
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('train')
    .description('fine-tune a BERT/MPNet bi-encoder (MNR on pairs, or MarginMSE on mined triplets); prints {"step","loss","lr"} per step and writes a sentence-transformers folder')
    .requiredOption('--model <model>', 'base model: folder (Hugging Face / sentence-transformers, BERT or MPNet), cached Hub id, or with --project a project model id or name')
    .option('--pairs <file>', 'MNR training pairs: .tsv (query<TAB>passage) or .jsonl ({"query","passage"})')
    .option('--triplets <file>', 'MarginMSE triplets: JSONL {"query","positive","negative","margin"} (genq export --format triplets)')
    .option('--project <dir>', "train on the project's data (MNR: queries nobody rejected, see --status; MarginMSE: its mined negatives) and register the tuned folder in it")
    .addOption(new Option('--loss <name>', 'mnr (GenQ: in-batch negatives) or margin-mse (GPL: hard negatives, cross-encoder margins)').choices(['mnr', 'margin-mse']).default('mnr'))
    .addOption(new Option('--status <which>', 'with --project: queries used, every one not rejected (pending + accepted) or accepted only').choices(['not-rejected', 'accepted']).default('not-rejected'))
    .requiredOption('--output <dir>', 'where to write the tuned sentence-transformers folder (must be empty or new)')
    .option('--overwrite', 'replace the contents of a non-empty --output folder')
    .addOption(new Option('--engine <name>', 'training engine: onnxruntime (ort), TensorFlow.js (tfjs) or the default (auto)').choices(['auto', 'ort', 'tfjs']).default('auto'))
    .addOption(new Option('--provider <name>', 'ort execution provider (auto tries GPU providers, then CPU)').choices(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml']).default('auto'))
    .option('--epochs <n>', 'passes over the data', positiveInt('--epochs'), DEFAULT_SETTINGS.epochs)
    .option('--steps <n>', 'total optimizer steps (overrides --epochs)', positiveInt('--steps'))
    .option('--batch-size <n>', 'examples per batch (MNR: in-batch negatives = batch size − 1)', positiveInt('--batch-size'), DEFAULT_SETTINGS.batchSize)
    .option('--lr <x>', 'peak learning rate', number('--lr'), DEFAULT_SETTINGS.lr)
    .option('--warmup-ratio <r>', 'fraction of steps with linear warmup (default 0.1)', number('--warmup-ratio'))
    .option('--warmup-steps <n>', 'warmup steps (instead of --warmup-ratio)', number('--warmup-steps'))
    .option('--weight-decay <w>', 'AdamW decoupled weight decay', number('--weight-decay'), DEFAULT_SETTINGS.weightDecay)
    .option('--adam-eps <e>', 'AdamW epsilon', number('--adam-eps'), DEFAULT_SETTINGS.adamEps)
    .option('--max-grad-norm <g>', 'clip gradients to this global L2 norm', number('--max-grad-norm'), DEFAULT_SETTINGS.maxGradNorm)
    .option('--max-seq-length <n>', "truncate texts to this many tokens (default: the model's)", positiveInt('--max-seq-length'))
    .option('--dropout <p>', "dropout probability (default: the config's; 0 for exactness checks)", number('--dropout'))
    .option('--no-shuffle', 'batches in file order (reordered only if a batch would repeat a text)')
    .option('--seed <s>', 'seed for shuffling, dropout and the negatives drawn each epoch', number('--seed'), DEFAULT_SETTINGS.seed)
    .option('--symmetric', 'symmetric MNR loss (query→passage and passage→query)')
    .option('--mini-batch-size <n>', 'GradCache mini-batch: large batches in bounded memory', positiveInt('--mini-batch-size'))
    .option('--checkpoint-dir <dir>', 'checkpoint folder (default <output>.checkpoints, removed after a completed run)')
    .option('--checkpoint-every <n>', 'steps between checkpoints (one is also written at each epoch end)', positiveInt('--checkpoint-every'), 100)
    .option('--resume', 'continue from the newest checkpoint in the checkpoint folder')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend of the tfjs engine').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'))
    .action(async (opts: TrainCliOptions, cmd: Command) => {
      await runTrain(opts, ctx, commandArgv(cmd));
    });
}
