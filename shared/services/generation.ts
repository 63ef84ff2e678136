// Query generation: T5 synthetic queries for the project's passages, as 'generation.run' jobs.
// The settings schema lives here so the Generate page, the CLI and the job kind validate alike.
import { z } from 'zod';
import { method } from '../contract.js';
import type { JobSnapshot } from './jobs.js';
import type { DeviceReport } from './models.js';

export const DECODING_MODES = ['sample', 'greedy', 'beam'] as const;
export type DecodingMode = (typeof DECODING_MODES)[number];

/** How a passage's queries are decoded (shared by the job, the CLI and the calibration). */
export const generationSettingsSchema = z.object({
  mode: z.enum(DECODING_MODES).default('sample'),
  /** Queries per passage (sampling: sequences drawn; beam: best hypotheses kept; greedy: always 1). */
  numQueries: z.number().int().min(1).max(64).default(3),
  topP: z.number().gt(0).max(1).default(0.95),
  /** 0 = off. */
  topK: z.number().int().min(0).max(100_000).default(0),
  temperature: z.number().gt(0).max(100).default(1),
  /** Tokens generated per query at most. */
  maxLength: z.number().int().min(1).max(512).default(64),
  /** EOS is impossible before this many tokens. */
  minLength: z.number().int().min(0).max(512).default(0),
  /** 1 = off; > 1 discourages repeating tokens. */
  repetitionPenalty: z.number().gt(0).max(100).default(1),
  numBeams: z.number().int().min(1).max(32).default(4),
  lengthPenalty: z.number().min(-10).max(10).default(1),
  earlyStopping: z.boolean().default(false),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  /** Passages decoded together. */
  batchSize: z.number().int().min(1).max(512).default(8),
  /** Passage tokens kept, </s> included (default: the tokenizer's model_max_length, else 512). */
  maxInputTokens: z.number().int().min(8).max(4096).optional(),
});
export type GenerationSettings = z.output<typeof generationSettingsSchema>;

export const generationScopeSchema = z.object({
  /** all: every passage; new: passages with no query yet; filter: the ids / split below. */
  kind: z.enum(['all', 'new', 'filter']).default('new'),
  documentIds: z.array(z.number().int().positive()).optional(),
  passageIds: z.array(z.number().int().positive()).optional(),
  split: z.enum(['train', 'eval']).optional(),
  /** Passages marked as duplicates at import get no queries. */
  skipDuplicates: z.boolean().default(true),
});
export type GenerationScope = z.output<typeof generationScopeSchema>;

export const generationRunParamsSchema = z
  .object({
    /** A project model with role 'generator'. */
    modelId: z.number().int().positive(),
    scope: generationScopeSchema.prefault({}),
    settings: generationSettingsSchema.prefault({}),
    threads: z.number().int().min(1).max(256).optional(),
    provider: z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu']).default('auto'),
  })
  .refine((p) => p.settings.minLength <= p.settings.maxLength, { message: 'settings.minLength must not exceed settings.maxLength', path: ['settings', 'minLength'] })
  .refine((p) => p.settings.mode !== 'beam' || p.settings.numQueries <= p.settings.numBeams, { message: 'settings.numQueries must not exceed settings.numBeams', path: ['settings', 'numQueries'] });
export type GenerationRunParams = z.output<typeof generationRunParamsSchema>;
export type GenerationRunParamsInput = z.input<typeof generationRunParamsSchema>;

/** What a finished generation job returns (and what its run's summary holds). */
export interface GenerationResult {
  runId: number;
  passages: number;
  queries: number;
  /** Exact duplicate queries of one passage, removed (as BEIR's GenQ does). */
  duplicates: number;
  /** Empty decoded queries, dropped. */
  empty: number;
  seconds: number;
}

export interface GenerationEstimate {
  passages: number;
  /** Seconds per passage measured on a short calibration batch of this project's passages. */
  secondsPerPassage: number;
  seconds: number;
  provider: string;
  /** The provider with why preferred ones were not used, and its GPU memory where reported. */
  device: DeviceReport;
  calibrationPassages: number;
}

export interface GeneratedQuery {
  id: number;
  passageId: number;
  passage: string;
  query: string;
  seq: number | null;
  runId: number | null;
}

export interface GenerationRun {
  id: number;
  jobId: number | null;
  modelId: number | null;
  config: unknown;
  summary: GenerationResult | null;
  queries: number;
  createdAt: string;
}

export const generationContract = {
  start: method<JobSnapshot>()(generationRunParamsSchema),
  /** Passages in scope and the time a run would take, from a calibration batch. */
  estimate: method<GenerationEstimate>()(generationRunParamsSchema),
  /** Passages a scope selects right now. */
  count: method<{ passages: number }>()(z.object({ scope: generationScopeSchema.prefault({}) })),
  /** The newest generated queries beside their passages (of one run, or any). */
  latest: method<GeneratedQuery[]>()(z.object({ runId: z.number().int().positive().optional(), limit: z.number().int().min(1).max(500).default(20) })),
  runs: method<GenerationRun[]>()(z.object({})),
};
