// The training settings the Train page offers: each with its default (the service's schema is the
// source of truth) and a one-line explanation.
import type { TrainingSettings } from '../../../shared/api.js';

export interface SettingField {
  key: keyof TrainingSettings;
  label: string;
  help: string;
  kind: 'int' | 'float' | 'bool';
  /** Shown when empty for optional settings. */
  placeholder?: string;
  step?: number;
}

export const SETTING_FIELDS: SettingField[] = [
  { key: 'epochs', label: 'Epochs', kind: 'int', help: 'Passes over the accepted pairs; 1–3 is usual for GenQ fine-tuning.' },
  { key: 'steps', label: 'Steps', kind: 'int', placeholder: 'from epochs', help: 'Fixed number of optimizer steps instead of epochs (handy for a quick trial).' },
  { key: 'batchSize', label: 'Batch size', kind: 'int', help: 'Pairs per step; every query is contrasted with the other batch − 1 passages, so larger is better.' },
  { key: 'lr', label: 'Learning rate', kind: 'float', step: 1e-6, help: 'Peak AdamW learning rate (2e-5 is the sentence-transformers default).' },
  { key: 'warmupRatio', label: 'Warmup ratio', kind: 'float', step: 0.01, help: 'Share of the steps over which the rate rises linearly from 0, then decays linearly to 0.' },
  { key: 'weightDecay', label: 'Weight decay', kind: 'float', step: 0.001, help: 'Decoupled AdamW decay pulling weights toward 0 each step.' },
  { key: 'maxSeqLength', label: 'Max sequence length', kind: 'int', placeholder: 'from the model', help: 'Tokens kept per query or passage; longer text is truncated.' },
  { key: 'seed', label: 'Seed', kind: 'int', help: 'Fixes the batch order and dropout, so a run can be repeated exactly.' },
  { key: 'symmetric', label: 'Symmetric loss', kind: 'bool', help: 'Also score passage → query, not only query → passage.' },
  { key: 'miniBatchSize', label: 'GradCache mini-batch', kind: 'int', placeholder: 'off', help: 'Compute large batches in chunks of this many texts: same result, bounded memory.' },
  { key: 'checkpointEvery', label: 'Checkpoint every', kind: 'int', help: 'Steps between checkpoints (one is also written at each epoch end).' },
  { key: 'earlyStoppingPatience', label: 'Early stopping patience', kind: 'int', placeholder: 'off', help: 'Stop after this many dev evaluations without a better MRR@10.' },
];
