// genq export --project DIR --format tsv|jsonl|beir --out PATH [--split train|eval|all]
// Writes the (query, passage) pairs of every query nobody rejected (--status accepted: accepted only);
// a JSON summary (path, pair count, files, how many accepted / pending) on stdout.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { exportPairs, type ExportFormat, type ExportSplit } from '../../core/curation/export.js';
import { exportTriplets } from '../../core/mining/export-triplets.js';
import type { CliContext } from '../context.js';
import { exportStTrain } from '../../core/distributed/st-train-export.js';
import { positiveInt } from './embed.js';
import { projectModel } from '../model-ref.js';

const oneOf =
  <T extends string>(name: string, values: readonly T[]) =>
  (value: string): T => {
    if (!values.includes(value as T)) throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}.`);
    return value as T;
  };

export function register(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('export accepted query–passage pairs as TSV (query<TAB>passage), JSONL, or a BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)')
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--format <format>', 'tsv, jsonl, beir, triplets (mined JSONL {"query","positive","negative","margin"}), or st-train (a folder to fine-tune with sentence-transformers under torchrun)', oneOf('--format', ['tsv', 'jsonl', 'beir', 'triplets', 'st-train'] as const))
    .requiredOption('--out <path>', 'output file (tsv, jsonl) or folder (beir)')
    .option('--split <split>', 'train, eval or all passages (default all)', oneOf('--split', ['train', 'eval', 'all'] as const), 'all')
    .option('--status <which>', 'queries exported: not-rejected (pending + accepted, default) or accepted', oneOf('--status', ['not-rejected', 'accepted'] as const), 'not-rejected')
    .option('--model <version>', 'st-train: the base encoder (a project model id or name, a model folder, or a cached Hub id; default the newest encoder)')
    .option('--loss <loss>', 'st-train: auto (margin-mse when mined triplets exist), mnr or margin-mse', oneOf('--loss', ['auto', 'mnr', 'margin-mse'] as const), 'auto')
    .option('--batch-size <n>', 'st-train: examples per device per step (default 32)', positiveInt('--batch-size'))
    .option('--epochs <n>', 'st-train: epochs (default 1)', positiveInt('--epochs'))
    .option('--overwrite', 'replace an existing output file (or the files of a non-empty BEIR folder)')
    .action(async (opts: { project: string; format: ExportFormat | 'triplets' | 'st-train'; out: string; split: ExportSplit; overwrite?: boolean; status: 'not-rejected' | 'accepted'; model?: string; loss: 'auto' | 'mnr' | 'margin-mse'; batchSize?: number; epochs?: number }) => {
      const p = await ctx.openProject(opts.project);
      if (opts.format === 'st-train') {
        const modelId = opts.model === undefined ? undefined : (await projectModel(p, opts.model, ctx, 'encoder')).id;
        return ctx.out(JSON.stringify(exportStTrain(p.db, opts.out, { modelId, loss: opts.loss, statuses: opts.status, overwrite: opts.overwrite === true, settings: { batchSize: opts.batchSize, epochs: opts.epochs } }), null, 2));
      }
      if (opts.format === 'triplets') return ctx.out(JSON.stringify(exportTriplets(p.db, opts.out, { overwrite: opts.overwrite === true }), null, 2));
      ctx.out(JSON.stringify(exportPairs(p.db, opts.format, opts.out, opts.split, { overwrite: opts.overwrite === true, status: opts.status }), null, 2));
    });
}
