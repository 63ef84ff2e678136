// Fine-tuning the bi-encoder: 'training.run' jobs on the project's pairs (queries nobody rejected), their runs,
// metric series, checkpoints and comparisons. The settings schema lives here so the Train page,
// the service and the job kind validate alike.
import { z } from 'zod';
import { method } from '../contract.js';
import type { DeviceMemoryReport } from '../device-memory.js';
import type { JobSnapshot, JobState } from './jobs.js';
import type { ProjectModel } from './models.js';

/** Training settings; defaults follow sentence-transformers' MNR fine-tuning recipe. */
export const trainingSettingsSchema = z.object({
  epochs: z.number().int().min(1).max(100).default(1),
  /** Total optimizer steps; overrides epochs (the pairs repeat as needed). */
  steps: z.number().int().min(1).max(10_000_000).optional(),
  /** Pairs per batch: each query's negatives are the other batch - 1 passages. */
  batchSize: z.number().int().min(2, 'a batch needs at least 2 examples (MNR: the other pairs of the batch are the negatives)').max(4096).default(32),
  lr: z.number().gt(0).refine(Number.isFinite, 'lr must be finite').default(2e-5),
  /** Fraction of the steps with linear warmup (then linear decay to 0). */
  warmupRatio: z.number().min(0).max(1).default(0.1),
  weightDecay: z.number().min(0).max(10).default(0.01),
  adamEps: z.number().gt(0).max(1).default(1e-6),
  maxGradNorm: z.number().gt(0).default(1),
  /** Tokens kept per text (default: the model's max_seq_length). */
  maxSeqLength: z.number().int().min(4).max(8192).optional(),
  /** Dropout override (default: the config's, usually 0.1). */
  dropout: z.number().min(0).max(0.9).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  /** Also the passage → query direction of the MNR loss. */
  symmetric: z.boolean().default(false),
  /** GradCache mini-batch: large batches in memory bounded by this many texts. */
  miniBatchSize: z.number().int().min(1).max(4096).optional(),
  /** Steps between checkpoints (one is also written at each epoch end). */
  checkpointEvery: z.number().int().min(1).max(10_000_000).default(500),
  /** Complete checkpoints kept on disk per run. */
  keepCheckpoints: z.number().int().min(1).max(100).default(3),
  /** Stop after this many dev evaluations without a better MRR@10. */
  earlyStoppingPatience: z.number().int().min(1).max(100).optional(),
  /** Dev queries evaluated each epoch at most (a deterministic sample beyond that). */
  evalMaxQueries: z.number().int().min(1).max(100_000).default(1000),
  /** Evaluate the base model before the first step (the curve's starting point). */
  evalBeforeTraining: z.boolean().default(true),
  /** TensorFlow.js backend of the tfjs engine. */
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  /** Training engine: 'auto' (the default one), onnxruntime ('ort') or TensorFlow.js ('tfjs'). */
  engine: z.enum(['auto', 'ort', 'tfjs']).default('auto'),
  /** onnxruntime execution provider ('auto' tries the GPU ones, then CPU, and reports what it tried). */
  provider: z.enum(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml']).default('auto'),
  /** 'mnr' (GenQ: MultipleNegativesRankingLoss on query–passage pairs) or 'margin-mse' (GPL: mined triplets with cross-encoder margins). */
  loss: z.enum(['mnr', 'margin-mse']).default('mnr'),
  /** Queries trained on: every one nobody rejected (pending + accepted; curation is pruning), or accepted only. */
  pairStatuses: z.enum(['not-rejected', 'accepted']).default('not-rejected'),
});
export type TrainingSettings = z.output<typeof trainingSettingsSchema>;
export type TrainingSettingsInput = z.input<typeof trainingSettingsSchema>;

export const trainingRunParamsSchema = z.object({
  /** The base model: a project model with role 'encoder' (BERT/MiniLM or MPNet). */
  modelId: z.number().int().positive(),
  settings: trainingSettingsSchema.prefault({}),
  /** Name of the tuned model (default: "<base> (run N)"). */
  outputName: z.string().trim().min(1).max(200).optional(),
  /** Continue an existing run from one of its checkpoints instead of starting a new run. */
  resume: z.object({ runId: z.number().int().positive(), checkpoint: z.string().regex(/^step-\d+$/, 'a checkpoint is named step-NNNNNNN') }).optional(),
});
export type TrainingRunParams = z.output<typeof trainingRunParamsSchema>;
export type TrainingRunParamsInput = z.input<typeof trainingRunParamsSchema>;

export interface TrainingEval {
  step: number;
  /** -1 for the evaluation of the base model before training. */
  epoch: number;
  metrics: Record<string, number>;
}

/** What a finished training job returns (and its run's summary). */
export interface TrainingResult {
  runId: number;
  steps: number;
  totalSteps: number;
  stopped: 'completed' | 'early-stopping';
  finalLoss: number | null;
  evals: TrainingEval[];
  pairs: number;
  /** The tfjs backend or the onnxruntime provider that ran. */
  backend: string;
  /** The engine that ran ('tfjs' | 'ort'); absent in runs from before engines. */
  engine?: string;
  /** Engine and device in words, e.g. "ort webgpu". */
  device?: string;
  /** GPU memory at the end of training (before the engine freed its state), or why not reported; absent on CPU. */
  deviceMemory?: DeviceMemoryReport | null;
  /** Bytes of the engine's own state: parameters, gradients, Adam m and v (float32). */
  engineStateBytes?: number;
  seconds: number;
  /** The exported, registered model. */
  modelId: number;
  modelName: string;
  modelPath: string;
}

export type TrainingRunStatus = JobState | 'unknown';

export interface TrainingRun {
  id: number;
  name: string | null;
  jobId: number | null;
  status: TrainingRunStatus;
  baseModelId: number | null;
  config: TrainingRunConfig;
  summary: TrainingResult | null;
  /** Steps with a recorded loss. */
  stepsDone: number;
  lastLoss: number | null;
  createdAt: string;
}

/** What a run's `config` holds. */
export interface TrainingRunConfig {
  baseModel: { id: number; name: string; path: string };
  settings: TrainingSettings;
  maxSeqLength: number;
  pairs: number;
  evalQueries: number;
  evalPassages: number;
  totalSteps: number;
  outputName: string;
}

export interface MetricSeriesPoint {
  step: number;
  value: number;
}

export interface TrainingCheckpointInfo {
  /** Folder name, e.g. step-0000040. */
  name: string;
  step: number;
  epoch: number | null;
  /** Mean loss of the last few steps before it. */
  loss: number | null;
  path: string;
  bytes: number;
  createdAt: string;
}

export interface TrainingPairCounts {
  /** Pairs of every query nobody rejected on training passages: accepted + pending. */
  pairs: number;
  accepted: number;
  pending: number;
  evalQueries: number;
  evalPassages: number;
}

export interface TrainingComparison {
  runs: Array<{ run: TrainingRun; loss: MetricSeriesPoint[]; evals: Record<string, MetricSeriesPoint[]> }>;
}

const runId = z.number().int().positive();
const checkpoint = z.string().regex(/^step-\d+$/, 'a checkpoint is named step-NNNNNNN');

/** What training/memory-plan.ts decides for a run's memory (its MemoryPlan adds the parameter count). */
export interface TrainingMemoryPlan {
  /** Estimated peak bytes at the chosen mini-batch, and for the whole batch in one pass. */
  peakBytes: number;
  fullBatchBytes: number;
  budgetBytes: number;
  /** "the 4 GiB WebAssembly heap…", "host RAM (24.9 GB)", "webgpu device memory (…)". */
  budgetSource: string;
  /** The GradCache mini-batch picked (or asked for); absent: the whole batch in one pass. */
  miniBatchSize?: number;
  fits: boolean;
  /** One line for logs and the Train page, e.g. "batch 24 as 4 mini-batches of 6: estimated 9.1 GB peak …", or why nothing fits. */
  message: string;
}

/** A run's memory plan before it starts, with the engine, provider and sequence length it was planned for. */
export interface TrainingMemoryEstimate extends TrainingMemoryPlan {
  engine: 'ort' | 'tfjs';
  provider: string;
  maxSeqLength: number;
}

export const trainingContract = {
  start: method<JobSnapshot>()(trainingRunParamsSchema),
  /** Memory estimate for a base model and settings, before "Start training". */
  estimate: method<TrainingMemoryEstimate>()(z.object({ modelId: z.number().int().positive(), settings: trainingSettingsSchema.prefault({}) })),
  /** Training pairs and dev-set size right now. */
  counts: method<TrainingPairCounts>()(z.object({})),
  runs: method<TrainingRun[]>()(z.object({})),
  run: method<TrainingRun>()(z.object({ runId })),
  /** Series of a run (all, or the named ones), each ordered by step. */
  metrics: method<Record<string, MetricSeriesPoint[]>>()(z.object({ runId, series: z.array(z.string().min(1).max(100)).max(50).optional() })),
  checkpoints: method<TrainingCheckpointInfo[]>()(z.object({ runId })),
  /** Writes a checkpoint as a sentence-transformers folder and registers it as an encoder. */
  exportCheckpoint: method<ProjectModel>()(z.object({ runId, checkpoint, name: z.string().trim().min(1).max(200).optional() })),
  /** Continues a stopped run from a checkpoint (default: its newest) as a new job. */
  resume: method<JobSnapshot>()(z.object({ runId, checkpoint: checkpoint.optional() })),
  /** Loss curves (at most `points` each) and dev metrics of several runs. */
  compare: method<TrainingComparison>()(z.object({ runIds: z.array(runId).min(1).max(20), points: z.number().int().min(10).max(5000).default(400) })),
};
