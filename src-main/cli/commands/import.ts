// genq import --project DIR PATH... : imports files/folders into the project's corpus in this
// process (the same importCorpus the corpus.import job runs), progress on stderr, report on stdout.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { importParamsSchema, type ImportParamsInput } from '../../../shared/services/corpus.js';
import { importCorpus } from '../../core/corpus/import.js';
import { withProjectTokenizer } from '../../core/corpus/corpus-service.js';
import { formatBytes } from '../../core/corpus/decode.js';
import type { CliContext } from '../context.js';
import { commandArgv, FlagError, parseFlags } from '../flags.js';

/** Import schema field → flag, for one readable line per invalid flag. */
const IMPORT_FLAGS: Record<string, string> = {
  paths: '<paths...>',
  format: '--format',
  encoding: '--encoding',
  'fields.text': '--text-field',
  'fields.id': '--id-field',
  'fields.title': '--title-field',
  'chunking.maxTokens': '--max-tokens',
  'chunking.overlapTokens': '--overlap',
  'chunking.minChars': '--min-chars',
  'chunking.tokenizerDir': '--tokenizer',
  'dedupe.threshold': '--threshold',
  onError: '--on-error',
  maxFileMB: '--max-file-mb',
  maxGzipRatio: '--max-gzip-ratio',
};

const number = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number.`);
  return n;
};

interface ImportOptions {
  project: string;
  create?: boolean;
  format?: string;
  encoding?: string;
  textField?: string;
  idField?: string;
  titleField?: string;
  maxTokens?: number;
  overlap?: number;
  minChars?: number;
  tokenizer?: string;
  dedupe: 'keep' | 'drop' | 'off';
  near: boolean;
  threshold?: number;
  onError?: 'skip' | 'abort';
  maxFileMb?: number;
  maxGzipRatio?: number;
  reimport?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description('import text files or folders (txt, md, jsonl, json, csv, tsv, html, pdf, docx, optionally .gz) as passages; report JSON on stdout')
    .requiredOption('--project <dir>', 'project folder')
    .argument('<paths...>', 'files and folders to import')
    .option('--create', 'create the project if the folder has none')
    .option('--format <format>', 'force a format for all files (default: by extension)')
    .option('--encoding <encoding>', 'utf-8, utf-16le, utf-16be, latin1 or windows-1252 (default: detected)')
    .option('--text-field <name>', 'JSON field / CSV column with the text (default: detected, BEIR text)')
    .option('--id-field <name>', 'JSON field / CSV column with the document id')
    .option('--title-field <name>', 'JSON field / CSV column with the title')
    .option('--max-tokens <n>', 'token budget per passage (default 300)', number('--max-tokens'))
    .option('--overlap <n>', 'tokens of overlap between passages (default 0)', number('--overlap'))
    .option('--min-chars <n>', 'drop passages shorter than this (default 20)', number('--min-chars'))
    .option('--tokenizer <dir>', "model folder whose tokenizer counts tokens (default: the project's generator, else an estimate)")
    .option('--dedupe <mode>', 'keep (mark duplicates), drop, or off', 'keep')
    .option('--no-near', 'only exact duplicates (no MinHash near-duplicate detection)')
    .option('--threshold <j>', 'near-duplicate Jaccard threshold (default 0.9)', number('--threshold'))
    .option('--on-error <mode>', 'skip bad records/files, or abort at the first', 'skip')
    .option('--max-file-mb <n>', 'largest file accepted, on disk and decompressed (default 2048)', number('--max-file-mb'))
    .option('--max-gzip-ratio <n>', 'a .gz expanding more than this is treated as a bomb (default 200)', number('--max-gzip-ratio'))
    .option('--reimport', 'import files even when the same content was imported before')
    .action(async (paths: string[], opts: ImportOptions, cmd: Command) => {
      const input: ImportParamsInput = {
        paths,
        format: opts.format as ImportParamsInput['format'],
        encoding: opts.encoding as ImportParamsInput['encoding'],
        fields: { text: opts.textField, id: opts.idField, title: opts.titleField },
        chunking: { maxTokens: opts.maxTokens, overlapTokens: opts.overlap, minChars: opts.minChars, tokenizerDir: opts.tokenizer },
        dedupe: { exact: opts.dedupe !== 'off', near: opts.dedupe !== 'off' && opts.near, threshold: opts.threshold, action: opts.dedupe === 'drop' ? 'drop' : 'keep' },
        onError: opts.onError,
        maxFileMB: opts.maxFileMb,
        maxGzipRatio: opts.maxGzipRatio,
        reimport: opts.reimport ?? false,
      };
      if (!['keep', 'drop', 'off'].includes(opts.dedupe)) throw new FlagError([`--dedupe: must be one of keep, drop, off (got ${opts.dedupe})`]);
      const parsed = { data: parseFlags(importParamsSchema, input, { flags: IMPORT_FLAGS, argv: commandArgv(cmd) }) };
      const p = await ctx.openProject(opts.project, { create: opts.create });
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      let lastLine = 0;
      try {
        const report = await importCorpus(p.db, withProjectTokenizer(p.db, parsed.data), {
          signal: controller.signal,
          // GENQ_IMPORT_CHUNK_MS: shorter chunks (as in import-job.ts), so tests can kill the CLI inside a file.
          chunkCommitMs: process.env.GENQ_IMPORT_CHUNK_MS ? Number(process.env.GENQ_IMPORT_CHUNK_MS) : undefined,
          progress: (u) => {
            const now = Date.now();
            if (now - lastLine < 1000 && u.done !== u.total) return;
            lastLine = now;
            const pct = u.total ? ` ${((100 * u.done) / u.total).toFixed(1)}%` : '';
            ctx.err(`import${pct} ${formatBytes(u.done)}${u.total ? ` / ${formatBytes(u.total)}` : ''} · ${u.message ?? ''}`);
          },
          log: (level, message) => {
            if (level !== 'info') ctx.err(`${level}: ${message}`);
          },
        });
        ctx.out(JSON.stringify(report, null, 2));
        // The report is on stdout either way; failed files also fail the command (exit code 1).
        const failed = report.files.filter((f) => f.status === 'failed');
        if (failed.length) throw new Error(`${failed.length} file(s) could not be imported; first: ${failed[0].message}`);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
