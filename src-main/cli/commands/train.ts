// genq train --model DIR --pairs FILE(.tsv|.jsonl) | --project DIR --output DIR [options]
// Fine-tunes a BERT/MPNet bi-encoder with MultipleNegativesRankingLoss, prints one JSON line per
// step ({"step", "loss", "lr"}; step 0-based, lr the value used for that step) and writes the
// tuned model as a sentence-transformers folder.
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { useBackend, type BackendName } from '../../core/training/backend.js';
import { exportSentenceTransformer } from '../../core/training/export.js';
import { exportPrompts } from '../../core/models/prefixes.js';
import type { PairStatuses } from '../../core/training/project-pairs.js';
import { disposeParams, openTrainableModel } from '../../core/training/trainable.js';
import { DEFAULT_SETTINGS, train, type TrainSettings } from '../../core/training/trainer.js';
import type { CliContext } from '../context.js';
import { trainInputs } from '../train-inputs.js';
import { positiveInt } from './embed.js';

const number = (name: string, min = 0) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${name} must be a number ≥ ${min}.`);
  return n;
};

export interface TrainCliOptions {
  model: string;
  pairs?: string;
  project?: string;
  output: string;
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
  checkpointEvery?: number;
  resume?: boolean;
  backend: BackendName | 'auto';
  status: PairStatuses;
}

export async function runTrain(opts: TrainCliOptions, ctx: CliContext): Promise<void> {
  if (!opts.pairs === !opts.project) throw new Error('genq train needs exactly one of --pairs FILE or --project DIR');
  if (opts.warmupRatio !== undefined && opts.warmupSteps !== undefined) throw new Error('give --warmup-ratio or --warmup-steps, not both');
  const inputs = await trainInputs(opts, ctx); // --model: project model, folder or cached Hub id; pairs prefixed for the model
  const { pairs } = inputs;
  if (pairs.length < 2) throw new Error(`${opts.pairs ?? opts.project}: ${inputs.summary}; MNR needs at least 2`);
  ctx.err(`genq train: ${inputs.summary}`);
  const backend = await useBackend(opts.backend);
  const model = openTrainableModel(inputs.modelDir);
  const maxSeqLength = opts.maxSeqLength ?? model.folder.maxSeqLength;
  const settings: TrainSettings = {
    ...DEFAULT_SETTINGS,
    batchSize: opts.batchSize, epochs: opts.epochs, steps: opts.steps, lr: opts.lr,
    warmupRatio: opts.warmupSteps === undefined ? (opts.warmupRatio ?? DEFAULT_SETTINGS.warmupRatio) : undefined, warmupSteps: opts.warmupSteps,
    weightDecay: opts.weightDecay, adamEps: opts.adamEps, maxGradNorm: opts.maxGradNorm, maxSeqLength, dropout: opts.dropout,
    shuffle: opts.shuffle, seed: opts.seed, symmetric: Boolean(opts.symmetric), miniBatchSize: opts.miniBatchSize,
    checkpointDir: opts.checkpointDir, checkpointEvery: opts.checkpointEvery,
  };
  ctx.err(`genq train: ${model.folder.architecture} on tfjs ${backend}, ${pairs.length} pairs, batch ${settings.batchSize}, max_seq_length ${maxSeqLength}`);
  try {
    const result = await train(model, pairs, settings, {
      onStep: (e) => ctx.out(JSON.stringify({ step: e.step, loss: e.loss, lr: e.lr })),
      onCheckpoint: (e) => ctx.err(`genq train: checkpoint ${e.dir}`),
    }, opts.resume);
    exportSentenceTransformer(model.folder, model.params, opts.output, { maxSeqLength, ...exportPrompts(model.folder, inputs.prefixes) });
    await inputs.register(opts.output);
    ctx.err(`genq train: ${result.steps} steps (${result.stopped}); model written to ${opts.output}`);
  } finally {
    disposeParams(model.params);
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('train')
    .description('fine-tune a BERT/MPNet bi-encoder with MNR loss; prints {"step","loss","lr"} per step and writes a sentence-transformers folder')
    .requiredOption('--model <model>', 'base model: folder (Hugging Face / sentence-transformers, BERT or MPNet), cached Hub id, or with --project a project model id or name')
    .option('--pairs <file>', 'training pairs: .tsv (query<TAB>passage) or .jsonl ({"query","passage"})')
    .option('--project <dir>', "train on the project's pairs (queries nobody rejected; see --status) and register the tuned folder in it")
    .addOption(new Option('--status <which>', 'with --project: queries used, every one not rejected (pending + accepted) or accepted only').choices(['not-rejected', 'accepted']).default('not-rejected'))
    .requiredOption('--output <dir>', 'where to write the tuned sentence-transformers folder')
    .option('--epochs <n>', 'passes over the pairs', positiveInt('--epochs'), DEFAULT_SETTINGS.epochs)
    .option('--steps <n>', 'total optimizer steps (overrides --epochs)', positiveInt('--steps'))
    .option('--batch-size <n>', 'pairs per batch (in-batch negatives = batch size − 1)', positiveInt('--batch-size'), DEFAULT_SETTINGS.batchSize)
    .option('--lr <x>', 'peak learning rate', number('--lr'), DEFAULT_SETTINGS.lr)
    .option('--warmup-ratio <r>', 'fraction of steps with linear warmup (default 0.1)', number('--warmup-ratio'))
    .option('--warmup-steps <n>', 'warmup steps (instead of --warmup-ratio)', number('--warmup-steps'))
    .option('--weight-decay <w>', 'AdamW decoupled weight decay', number('--weight-decay'), DEFAULT_SETTINGS.weightDecay)
    .option('--adam-eps <e>', 'AdamW epsilon', number('--adam-eps'), DEFAULT_SETTINGS.adamEps)
    .option('--max-grad-norm <g>', 'clip gradients to this global L2 norm', number('--max-grad-norm'), DEFAULT_SETTINGS.maxGradNorm)
    .option('--max-seq-length <n>', "truncate texts to this many tokens (default: the model's)", positiveInt('--max-seq-length'))
    .option('--dropout <p>', "dropout probability (default: the config's; 0 for exactness checks)", number('--dropout'))
    .option('--no-shuffle', 'batches in file order (reordered only if a batch would repeat a text)')
    .option('--seed <s>', 'seed for shuffling and dropout', number('--seed'), DEFAULT_SETTINGS.seed)
    .option('--symmetric', 'symmetric MNR loss (query→passage and passage→query)')
    .option('--mini-batch-size <n>', 'GradCache mini-batch: large batches in bounded memory', positiveInt('--mini-batch-size'))
    .option('--checkpoint-dir <dir>', 'save checkpoints here (each epoch and every --checkpoint-every steps)')
    .option('--checkpoint-every <n>', 'steps between checkpoints', positiveInt('--checkpoint-every'))
    .option('--resume', 'continue from the newest checkpoint in --checkpoint-dir')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'))
    .action(async (opts: TrainCliOptions) => {
      await runTrain(opts, ctx);
    });
}
