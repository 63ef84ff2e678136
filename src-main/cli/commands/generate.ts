// genq generate --model DIR_OR_ID (--greedy | --num-queries N [--top-p P] [--top-k K] [--temperature T]
//   | --num-beams N [--length-penalty L]) [--seed S] [--max-length N] [--min-length N] [--repetition-penalty R]
//   [--input FILE|-] [--output FILE|-] [--format jsonl|tsv] [--batch-size B]
// File mode: one passage per input line (txt), or JSONL with a "text" field → JSONL {"passage",
// "queries": [...]} in input order, or TSV `query<TAB>passage` lines. Exact duplicate queries of a
// passage are removed and counted. Project mode (--project DIR): a 'generation.run' job over the
// project's passages (resumable), then its queries exported to --output when given.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { generationRunParamsSchema, generationSettingsSchema, type GenerationResult, type GenerationSettings } from '../../../shared/services/generation.js';
import { exportRun, tsvLines, type QueryExportFormat } from '../../core/generation/export-queries.js';
import { generateQueries } from '../../core/generation/generate-queries.js';
import { checkSampling } from '../../core/generation/sampling.js';
import { resolveModelDir } from '../../core/models/hub/lookup.js';
import { QueryGenerator } from '../../core/models/t5/query-generator.js';
import type { ProviderChoice } from '../../core/models/session.js';
import type { CliContext } from '../context.js';
import { openLineOutput } from '../output-file.js';
import { DISTRIBUTED_GENERATION_KIND } from '../../core/distributed/jobs.js';
import { checkRedisUrl } from '../../core/distributed/redis-url.js';
import { commandArgv, FlagError, parseFlags } from '../flags.js';
import { projectModel } from '../model-ref.js';
import { positiveInt } from './embed.js';

const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

export interface GenerateCliOptions {
  model?: string;
  project?: string;
  scope: 'all' | 'new';
  format: QueryExportFormat;
  greedy?: boolean;
  numQueries?: number;
  topP?: number;
  topK?: number;
  temperature?: number;
  numBeams?: number;
  lengthPenalty?: number;
  minLength: number;
  repetitionPenalty: number;
  seed: number;
  maxNewTokens: number;
  maxInputTokens?: number;
  input: string;
  output: string;
  batchSize: number;
  threads?: number;
  provider: ProviderChoice;
  cacheDir?: string;
  shippedOnnx?: boolean;
  /** Redis URL: shard the project's passages over `genq worker`s. */
  workers?: string;
  /** The command line, to quote a flag's text in validation messages. */
  argv?: readonly string[];
}

/** Schema field → flag, for one readable line per invalid flag. */
const SETTINGS_FLAGS: Record<string, string> = {
  numQueries: '--num-queries',
  topP: '--top-p',
  topK: '--top-k',
  temperature: '--temperature',
  maxLength: '--max-length',
  minLength: '--min-length',
  repetitionPenalty: '--repetition-penalty',
  numBeams: '--num-beams',
  lengthPenalty: '--length-penalty',
  seed: '--seed',
  batchSize: '--batch-size',
  maxInputTokens: '--max-input-tokens',
};

export class GenerateUsageError extends Error {
  override name = 'GenerateUsageError';
}

const number = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number.`);
  return n;
};
const nonNegativeInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer.`);
  return n;
};

/** Greedy, beam or sampling settings from the flags; mixing --greedy with sampling or beam flags is an error. */
export function generationSettings(opts: GenerateCliOptions): GenerationSettings {
  const samplingFlags = (['numQueries', 'topP', 'topK', 'temperature', 'numBeams', 'lengthPenalty'] as const).filter((k) => opts[k] !== undefined);
  const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const common = { maxLength: opts.maxNewTokens, minLength: opts.minLength, repetitionPenalty: opts.repetitionPenalty, seed: opts.seed, batchSize: opts.batchSize, maxInputTokens: opts.maxInputTokens };
  // Every flag against the job's own schemas first: all problems at once, one line each (the
  // combination checks below keep their own messages).
  const given = { ...common, numQueries: opts.numQueries, topP: opts.topP, topK: opts.topK, temperature: opts.temperature, numBeams: opts.numBeams, lengthPenalty: opts.lengthPenalty };
  const mode = opts.greedy ? 'greedy' : opts.numBeams !== undefined && opts.numBeams > 1 ? 'beam' : 'sample';
  parseFlags(generationSettingsSchema, { ...given, mode }, { flags: SETTINGS_FLAGS, argv: opts.argv });
  parseFlags(generationRunParamsSchema.shape.threads, opts.threads, { flags: { '': '--threads' }, argv: opts.argv });
  if (opts.minLength > opts.maxNewTokens) throw new FlagError([`--min-length: must not exceed --max-length (${opts.maxNewTokens}) (got ${opts.minLength})`]);
  if (opts.greedy) {
    if (samplingFlags.length > 0) throw new GenerateUsageError(`--greedy cannot be combined with sampling options (${samplingFlags.map(flag).join(', ')})`);
    return generationSettingsSchema.parse({ ...common, mode: 'greedy', numQueries: 1 });
  }
  if (opts.numBeams !== undefined && opts.numBeams > 1) {
    const sampling = (['topP', 'topK', 'temperature'] as const).filter((k) => opts[k] !== undefined);
    if (sampling.length > 0) throw new GenerateUsageError(`--num-beams cannot be combined with sampling options (${sampling.map(flag).join(', ')})`);
    const numQueries = opts.numQueries ?? 1;
    if (numQueries > opts.numBeams) throw new GenerateUsageError(`--num-queries (${numQueries}) cannot exceed --num-beams (${opts.numBeams})`);
    return generationSettingsSchema.parse({ ...common, mode: 'beam', numBeams: opts.numBeams, lengthPenalty: opts.lengthPenalty ?? 1, numQueries });
  }
  const sampling = checkSampling({ temperature: opts.temperature, topK: opts.topK, topP: opts.topP });
  return generationSettingsSchema.parse({ ...common, mode: 'sample', ...sampling, numQueries: opts.numQueries ?? 1 });
}

const describe = (s: GenerationSettings) =>
  s.mode === 'sample'
    ? `sampling ${s.numQueries}/passage (temperature ${s.temperature}, top-k ${s.topK}, top-p ${s.topP}, seed ${s.seed})`
    : s.mode === 'beam'
      ? `beam search (${s.numBeams} beams, length penalty ${s.lengthPenalty}, ${s.numQueries}/passage)`
      : 'greedy';

/** The passage of one input line: the line itself, or a JSONL record's "text" (title prepended when present). */
function passageOf(line: string, jsonl: boolean, lineNo: number, source: string): string {
  if (!jsonl) return line;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (e) {
    throw new GenerateUsageError(`${source}:${lineNo}: not valid JSON (${(e as Error).message})`);
  }
  const text = (record as { text?: unknown })?.text;
  if (typeof text !== 'string') throw new GenerateUsageError(`${source}:${lineNo}: the JSONL record has no string "text" field`);
  return text;
}

/** Opened before any work: a missing folder or a directory is one clear line, not a stack (output-file.ts). */
const openOutput = (path: string, ctx: CliContext) => openLineOutput(path, (line) => ctx.out(line));

export async function runGenerate(opts: GenerateCliOptions, ctx: CliContext): Promise<number> {
  if (!opts.model) throw new GenerateUsageError('--model DIR_OR_ID is required without --project');
  const settings = generationSettings(opts);
  const out = await openOutput(opts.output, ctx);
  let generator: QueryGenerator;
  try {
    generator = await QueryGenerator.load(resolveModelDir(opts.model), { threads: opts.threads, provider: opts.provider, cacheDir: opts.cacheDir, useShippedOnnx: opts.shippedOnnx });
  } catch (err) {
    await out.close();
    throw err;
  }
  ctx.err(`genq generate: t5 on ${generator.model.provider}, ${describe(settings)}, max ${opts.maxNewTokens} new tokens`);
  const source = opts.input === '-' ? 'stdin' : opts.input;
  const jsonl = /\.jsonl$/i.test(opts.input);
  const input = opts.input === '-' ? process.stdin : createReadStream(opts.input, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  // Chunks of several batches: length-sorted inside, never the whole input in memory.
  const chunkSize = opts.batchSize * 8;
  let chunk: string[] = [];
  let count = 0;
  let duplicates = 0;
  const flush = async () => {
    const results = await generateQueries(generator.model, generator.tokenizer, chunk.map((text, i) => ({ key: count + i, text })), settings);
    for (let i = 0; i < chunk.length; i++) {
      const queries = results[i].queries.map((q) => q.text);
      duplicates += results[i].duplicates;
      if (opts.format === 'tsv') for (const l of tsvLines(chunk[i], queries)) await out.write(l);
      else await out.write(JSON.stringify({ passage: chunk[i], queries }));
    }
    count += chunk.length;
    chunk = [];
  };
  try {
    let lineNo = 0;
    for await (const line of lines) {
      lineNo++;
      if (line.trim().length === 0) continue; // blank lines hold no passage
      chunk.push(passageOf(line, jsonl, lineNo, source));
      if (chunk.length >= chunkSize) await flush();
    }
    if (chunk.length > 0) await flush();
  } finally {
    await generator.release();
    await out.close();
  }
  ctx.err(`genq generate: ${count} passages, ${duplicates} duplicate queries removed`);
  return count;
}

/** Project mode: a 'generation.run' job (model: a project model id, or a folder/repo added as generator). */
export async function runGenerateProject(opts: GenerateCliOptions, ctx: CliContext): Promise<GenerationResult> {
  const settings = generationSettings(opts);
  const out = opts.output !== '-' || opts.format === 'tsv' ? await openOutput(opts.output, ctx) : null;
  const p = await ctx.openProject(opts.project!);
  const models = await p.services.impl.models.list({});
  let modelId: number;
  if (opts.model === undefined) {
    const latest = models.filter((m) => m.role === 'generator').at(-1);
    if (!latest) throw new GenerateUsageError(`${p.dir}: the project has no generator model; pass --model DIR_OR_ID`);
    modelId = latest.id;
  } else {
    modelId = (await projectModel(p, opts.model, ctx, 'generator')).id;
  }
  const run = { modelId, scope: { kind: opts.scope, skipDuplicates: true }, settings, threads: opts.threads, provider: opts.provider };
  // --workers: the same run, its passages sharded over `genq worker`s (core/distributed).
  const job = opts.workers ? p.runner.start(DISTRIBUTED_GENERATION_KIND, { run, workers: { redisUrl: opts.workers } }) : await p.services.impl.generation.start(run);
  ctx.err(`genq generate: job ${job.id}, ${describe(settings)}, max ${opts.maxNewTokens} new tokens`);
  const stop = p.services.events.subscribe((m) => {
    if (m.service !== 'jobs' || m.event !== 'onUpdate') return;
    const j = m.payload as { id: number; progress: { done: number; total: number | null; message?: string } };
    if (j.id === job.id) ctx.err(`  ${j.progress.done}/${j.progress.total ?? '?'} passages ${j.progress.message ?? ''}`);
  });
  const end = await p.runner.waitFor(job.id).finally(stop);
  if (end.state !== 'done') throw new GenerateUsageError(`generation job ${job.id} ended ${end.state}${end.error ? `: ${end.error.message}` : ''}`);
  const result = end.result as GenerationResult;
  if (out) {
    try {
      for (const line of exportRun(p.db, result.runId, opts.format)) await out.write(line);
    } finally {
      await out.close();
    }
  } else {
    ctx.out(JSON.stringify(result));
  }
  ctx.err(`genq generate: run ${result.runId}: ${result.passages} passages, ${result.queries} queries, ${result.duplicates} duplicates removed`);
  return result;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('generate')
    .description('generate queries with a T5 model: one passage per input line (txt, or JSONL with "text") → JSONL {"passage", "queries"} or TSV; or --project DIR for a project\'s passages')
    .option('--model <dir-or-id>', 'T5 query-generation model folder or cached Hub repo id (with --project: also a project model id or name; a folder or Hub id is registered on the fly; default: its latest generator)')
    .option('--project <dir>', "generate for the project's passages as a resumable job; --output exports the run's queries")
    .addOption(new Option('--scope <scope>', 'with --project: every passage, or only those without queries').choices(['all', 'new']).default('new'))
    .addOption(new Option('--format <format>', 'output format: JSONL {"passage","queries"} or TSV query<TAB>passage lines').choices(['jsonl', 'tsv']).default('jsonl'))
    .option('--greedy', 'greedy decoding: one query per passage (default: sampling)')
    .option('--num-queries <n>', 'queries sampled per passage', positiveInt('--num-queries'))
    .option('--top-p <p>', 'nucleus sampling: keep the most likely tokens up to this probability mass (1 = off)', number('--top-p'))
    .option('--top-k <k>', 'sample among the k most likely tokens, ties included (0 = off)', nonNegativeInt('--top-k'))
    .option('--temperature <t>', 'divide the logits by t before sampling', number('--temperature'))
    .option('--num-beams <n>', 'beam search with n beams (n > 1; --num-queries best hypotheses kept)', positiveInt('--num-beams'))
    .option('--length-penalty <x>', 'beam search: hypothesis score = log-prob sum / length^x', number('--length-penalty'))
    .option('--min-length <n>', 'no end-of-sequence before n tokens', nonNegativeInt('--min-length'), 0)
    .option('--repetition-penalty <x>', 'divide (multiply, if negative) the scores of tokens already generated by x; 1 = off', number('--repetition-penalty'), 1)
    .option('--seed <n>', 'sampling seed: the same seed gives the same queries for a passage in any batch', nonNegativeInt('--seed'), 0)
    .option('--max-length <n>', 'tokens generated per query at most (default 64)', positiveInt('--max-length'))
    .option('--max-new-tokens <n>', 'the same as --max-length', positiveInt('--max-new-tokens'))
    .option('--max-input-tokens <n>', "passage tokens kept, </s> included (default: the tokenizer's model_max_length)", positiveInt('--max-input-tokens'))
    .option('--input <file>', 'input text file, one passage per line ("-" = stdin)', '-')
    .option('--output <file>', 'output JSONL file ("-" = stdout)', '-')
    .option('--batch-size <n>', 'passages decoded together', positiveInt('--batch-size'), 8)
    .option('--threads <n>', 'onnxruntime intra-op threads (default: all cores)', positiveInt('--threads'))
    .addOption(new Option('--provider <name>', 'execution provider').choices(PROVIDERS).default('auto'))
    .option('--cache-dir <dir>', 'where built ONNX graphs are cached (default ~/.cache/genq-workbench)')
    .option('--workers <redis-url>', 'with --project: shard the passages over `genq worker`s taking work from this Redis (redis:// or rediss://)', (v) => checkRedisUrl(v))
    .option('--shipped-onnx', "run the encoder from the folder's onnx/encoder_model.onnx")
    .action(async (opts: GenerateCliOptions & { maxLength?: number }, cmd: Command) => {
      opts.maxNewTokens = opts.maxLength ?? opts.maxNewTokens ?? 64;
      opts.argv = commandArgv(cmd);
      if (opts.workers && !opts.project) throw new GenerateUsageError('--workers needs --project (workers write into a project)');
      if (opts.project) await runGenerateProject(opts, ctx);
      else await runGenerate(opts, ctx);
    });
}
