// The Generate page's settings: defaults (the job schema's), one-line explanations, and which
// decoding mode each one applies to.
import type { DecodingMode, GenerationSettings } from '../../../shared/api.js';

export const DEFAULT_SETTINGS: GenerationSettings = {
  mode: 'sample',
  numQueries: 3,
  topP: 0.95,
  topK: 0,
  temperature: 1,
  maxLength: 64,
  minLength: 0,
  repetitionPenalty: 1,
  numBeams: 4,
  lengthPenalty: 1,
  earlyStopping: false,
  seed: 42,
  batchSize: 8,
};

export interface NumberField {
  key: 'numQueries' | 'topP' | 'topK' | 'temperature' | 'maxLength' | 'minLength' | 'repetitionPenalty' | 'numBeams' | 'lengthPenalty' | 'seed' | 'batchSize';
  label: string;
  help: string;
  step: number;
  min: number;
  max?: number;
  modes: DecodingMode[];
}

const ALL: DecodingMode[] = ['sample', 'greedy', 'beam'];

export const NUMBER_FIELDS: NumberField[] = [
  { key: 'numQueries', label: 'Queries per passage', help: 'Sampled sequences (beam: best hypotheses kept). Exact duplicates are removed and counted.', step: 1, min: 1, max: 64, modes: ['sample', 'beam'] },
  { key: 'topP', label: 'Top-p', help: 'Sample only from the most likely tokens that together hold this probability (1 = off).', step: 0.01, min: 0.01, max: 1, modes: ['sample'] },
  { key: 'topK', label: 'Top-k', help: 'Sample only among the k most likely tokens (0 = off).', step: 1, min: 0, modes: ['sample'] },
  { key: 'temperature', label: 'Temperature', help: 'Below 1: safer, more repetitive queries; above 1: more varied.', step: 0.05, min: 0.05, max: 100, modes: ['sample'] },
  { key: 'maxLength', label: 'Max length', help: 'Tokens per query at most.', step: 1, min: 1, max: 512, modes: ALL },
  { key: 'minLength', label: 'Min length', help: 'No end of query before this many tokens (0 = off).', step: 1, min: 0, max: 512, modes: ALL },
  { key: 'repetitionPenalty', label: 'Repetition penalty', help: 'Above 1 discourages repeating tokens (1 = off).', step: 0.05, min: 0.05, max: 100, modes: ALL },
  { key: 'numBeams', label: 'Beams', help: 'Hypotheses kept per step.', step: 1, min: 1, max: 32, modes: ['beam'] },
  { key: 'lengthPenalty', label: 'Length penalty', help: 'Score = log-probability / length^x: above 0 favours longer queries.', step: 0.1, min: -10, max: 10, modes: ['beam'] },
  { key: 'seed', label: 'Seed', help: 'Same seed and settings → the same queries, whatever the batch size.', step: 1, min: 0, modes: ['sample'] },
  { key: 'batchSize', label: 'Batch size', help: 'Passages decoded together (of similar length).', step: 1, min: 1, max: 512, modes: ALL },
];

export const MODE_HELP: Record<DecodingMode, string> = {
  sample: 'Sampling (BEIR GenQ): varied queries per passage.',
  greedy: 'Greedy: the single most likely query per passage.',
  beam: 'Beam search: the most likely queries found by keeping several hypotheses.',
};
