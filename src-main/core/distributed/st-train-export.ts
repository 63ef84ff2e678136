// `genq export --format st-train --out DIR`: training past one GPU with PyTorch DDP. Writes the
// project's training data (MNR pairs, or MarginMSE triplets with cross-encoder margins when a
// mining run finished), the base model reference, the training settings, and train_st.py, which
// trains with the same hyper-parameters under `torchrun --nproc_per_node N`. The folder it saves
// is a sentence-transformers model: `genq models add --project P DIR` registers it.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { trainingSettingsSchema, type TrainingSettings, type TrainingSettingsInput } from '../../../shared/services/training.js';
import { trainingPairs, type PairStatuses } from '../training/project-pairs.js';
import { countProjectTriplets, projectTriplets } from '../mining/project-triplets.js';
import { ST_TRAIN_SCRIPT } from './st-train-script.js';
import { modelRefOf } from './worker-models.js';
import type { ModelRef } from './protocol.js';

export class StTrainExportError extends Error {
  override name = 'StTrainExportError';
}

/** sentence-transformers' MultipleNegativesRankingLoss default scale, which losses/mnr.ts uses too. */
export const MNR_SCALE = 20;

export interface StTrainExportOptions {
  /** Base encoder (a project model id); default the newest encoder. */
  modelId?: number;
  /** auto: MarginMSE when a mining run has triplets, else MNR. */
  loss?: 'auto' | 'mnr' | 'margin-mse';
  settings?: TrainingSettingsInput;
  statuses?: PairStatuses;
  overwrite?: boolean;
}

/** What genq-train.json holds (train_st.py reads it). */
export interface StTrainConfig {
  loss: 'mnr' | 'margin-mse';
  mnrScale: number;
  marginScore: 'dot';
  data: string;
  rows: number;
  model: ModelRef;
  settings: Pick<TrainingSettings, 'epochs' | 'steps' | 'batchSize' | 'lr' | 'warmupRatio' | 'weightDecay' | 'adamEps' | 'maxGradNorm' | 'maxSeqLength' | 'seed' | 'symmetric'>;
}

export interface StTrainExportResult {
  dir: string;
  files: string[];
  loss: StTrainConfig['loss'];
  rows: number;
  model: ModelRef;
}

function triplets(db: Database.Database): number {
  try {
    return countProjectTriplets(db);
  } catch {
    return 0; // no finished mining run
  }
}

export function exportStTrain(db: Database.Database, outDir: string, opts: StTrainExportOptions = {}): StTrainExportResult {
  const dir = resolve(outDir);
  if (existsSync(dir) && readdirSync(dir).length > 0 && !opts.overwrite) throw new StTrainExportError(`${dir} is not empty; choose an empty folder or pass --overwrite`);
  const row = (
    opts.modelId === undefined
      ? db.prepare("SELECT id, name, role, path, source, revision FROM models WHERE role = 'encoder' ORDER BY id DESC LIMIT 1").get()
      : db.prepare('SELECT id, name, role, path, source, revision FROM models WHERE id = ?').get(opts.modelId)
  ) as { id: number; name: string; role: string; path: string; source: string | null; revision: string | null } | undefined;
  if (!row) throw new StTrainExportError(opts.modelId === undefined ? 'the project has no encoder model to fine-tune; add one (genq models add) or pass --model' : `no model with id ${opts.modelId} in this project`);
  if (row.role !== 'encoder') throw new StTrainExportError(`model ${row.id} (${row.name}) is a ${row.role}, not an encoder`);
  const settings = trainingSettingsSchema.parse(opts.settings ?? {});
  const loss = opts.loss === undefined || opts.loss === 'auto' ? (triplets(db) > 0 ? 'margin-mse' : 'mnr') : opts.loss;
  const rows =
    loss === 'mnr'
      ? trainingPairs(db, opts.statuses ?? 'not-rejected').map((p) => ({ query: p.query, positive: p.passage }))
      : projectTriplets(db, { seed: settings.seed, epoch: 0 }).map((t) => ({ query: t.query, positive: t.positive, negative: t.negative, label: t.margin }));
  if (rows.length === 0) throw new StTrainExportError(loss === 'mnr' ? 'the project has no training pairs (generate queries for training-split passages first)' : 'the mining run has no triplets');
  const config: StTrainConfig = {
    loss,
    mnrScale: MNR_SCALE,
    marginScore: 'dot',
    data: 'train.jsonl',
    rows: rows.length,
    model: modelRefOf(row),
    settings: {
      epochs: settings.epochs,
      steps: settings.steps,
      batchSize: settings.batchSize,
      lr: settings.lr,
      warmupRatio: settings.warmupRatio,
      weightDecay: settings.weightDecay,
      adamEps: settings.adamEps,
      maxGradNorm: settings.maxGradNorm,
      maxSeqLength: settings.maxSeqLength,
      seed: settings.seed,
      symmetric: settings.symmetric,
    },
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(dir, 'genq-train.json'), JSON.stringify(config, null, 2) + '\n');
  writeFileSync(join(dir, 'train_st.py'), ST_TRAIN_SCRIPT, { mode: 0o755 });
  writeFileSync(join(dir, 'README.md'), readme(config));
  return { dir, files: ['train.jsonl', 'genq-train.json', 'train_st.py', 'README.md'], loss, rows: rows.length, model: config.model };
}

function readme(c: StTrainConfig): string {
  const base = c.model.repo ? `${c.model.repo}${c.model.revision ? ` at ${c.model.revision}` : ''} (or the folder ${c.model.path})` : c.model.path;
  return `# GenQ Workbench training export

- data: train.jsonl, ${c.rows} ${c.loss === 'mnr' ? 'query–passage pairs (MultipleNegativesRankingLoss, no-duplicates batches)' : 'query–positive–negative triplets with cross-encoder margins as labels (MarginMSELoss; one negative per query, epoch 0 of the project\'s draw)'}
- base model: ${base}
- settings: genq-train.json (batch ${c.settings.batchSize} per device, lr ${c.settings.lr}, warmup ${c.settings.warmupRatio}, AdamW weight decay ${c.settings.weightDecay}, eps ${c.settings.adamEps}, clip ${c.settings.maxGradNorm}, seed ${c.settings.seed})

Needs Python with torch, sentence-transformers (3 or later) and datasets.

    torchrun --nproc_per_node 4 train_st.py --out ./output    # 4 GPUs, DDP
    python3 train_st.py --check-steps 5                        # a few steps of a plain PyTorch loop (torch only)
    genq models add --project PROJECT ./output --role encoder  # the trained model as a project model version

Each process takes ${c.settings.batchSize} examples per step, so in-batch negatives are those of a
single-machine batch; the global batch is N times larger (raise lr or lower epochs to taste).
`;
}
