// genq generate --model DIR (--greedy | --num-queries N [--top-p P] [--top-k K] [--temperature T] [--seed S])
//   --max-new-tokens N [--input FILE|-] [--output FILE|-] [--batch-size B]
// One passage per input line → JSONL {"passage", "queries": [...]}, in input order.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { checkSampling } from '../../core/generation/sampling.js';
import { QueryGenerator, type QueryGenerationOptions } from '../../core/models/t5/query-generator.js';
import type { ProviderChoice } from '../../core/models/session.js';
import type { CliContext } from '../context.js';
import { positiveInt } from './embed.js';

const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

export interface GenerateCliOptions {
  model: string;
  greedy?: boolean;
  numQueries?: number;
  topP?: number;
  topK?: number;
  temperature?: number;
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
}

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

/** Greedy or sampling settings from the flags; mixing --greedy with sampling flags is an error. */
export function generationSettings(opts: GenerateCliOptions): QueryGenerationOptions {
  const samplingFlags = (['numQueries', 'topP', 'topK', 'temperature'] as const).filter((k) => opts[k] !== undefined);
  const base = { maxNewTokens: opts.maxNewTokens, batchSize: opts.batchSize, maxInputTokens: opts.maxInputTokens };
  if (opts.greedy) {
    if (samplingFlags.length > 0) throw new GenerateUsageError(`--greedy cannot be combined with sampling options (${samplingFlags.map((f) => `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')})`);
    return base;
  }
  const sampling = checkSampling({ temperature: opts.temperature, topK: opts.topK, topP: opts.topP });
  return { ...base, sampling: { ...sampling, seed: opts.seed, numQueries: opts.numQueries ?? 1 } };
}

export async function runGenerate(opts: GenerateCliOptions, ctx: CliContext): Promise<number> {
  const settings = generationSettings(opts);
  const generator = await QueryGenerator.load(opts.model, { threads: opts.threads, provider: opts.provider, cacheDir: opts.cacheDir, useShippedOnnx: opts.shippedOnnx });
  const mode = settings.sampling ? `sampling ${settings.sampling.numQueries}/passage (temperature ${settings.sampling.temperature}, top-k ${settings.sampling.topK}, top-p ${settings.sampling.topP}, seed ${settings.sampling.seed})` : 'greedy';
  ctx.err(`genq generate: t5 on ${generator.model.provider}, ${mode}, max ${opts.maxNewTokens} new tokens`);
  const file: WriteStream | null = opts.output === '-' ? null : createWriteStream(opts.output);
  const write = async (line: string) => {
    if (!file) return ctx.out(line);
    if (!file.write(`${line}\n`)) await once(file, 'drain');
  };
  const input = opts.input === '-' ? process.stdin : createReadStream(opts.input, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  // Chunks of several batches: length-sorted inside, never the whole input in memory.
  const chunkSize = opts.batchSize * 8;
  let chunk: string[] = [];
  let count = 0;
  const flush = async () => {
    const queries = await generator.generate(chunk, settings, count);
    for (let i = 0; i < chunk.length; i++) await write(JSON.stringify({ passage: chunk[i], queries: queries[i] }));
    count += chunk.length;
    chunk = [];
  };
  try {
    for await (const line of lines) {
      if (line.trim().length === 0) continue; // blank lines hold no passage
      chunk.push(line);
      if (chunk.length >= chunkSize) await flush();
    }
    if (chunk.length > 0) await flush();
  } finally {
    await generator.release();
    if (file) await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  ctx.err(`genq generate: ${count} passages`);
  return count;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('generate')
    .description('generate queries for one passage per input line with a T5 model folder; prints JSONL {"passage", "queries"}')
    .requiredOption('--model <dir>', 'T5 query-generation model folder (config.json, model.safetensors, tokenizer.json)')
    .option('--greedy', 'greedy decoding: one query per passage (default: sampling)')
    .option('--num-queries <n>', 'queries sampled per passage', positiveInt('--num-queries'))
    .option('--top-p <p>', 'nucleus sampling: keep the most likely tokens up to this probability mass (1 = off)', number('--top-p'))
    .option('--top-k <k>', 'sample among the k most likely tokens, ties included (0 = off)', nonNegativeInt('--top-k'))
    .option('--temperature <t>', 'divide the logits by t before sampling', number('--temperature'))
    .option('--seed <n>', 'sampling seed: the same seed gives the same queries for a passage in any batch', nonNegativeInt('--seed'), 0)
    .option('--max-new-tokens <n>', 'tokens generated per query at most', positiveInt('--max-new-tokens'), 64)
    .option('--max-input-tokens <n>', "passage tokens kept, </s> included (default: the tokenizer's model_max_length)", positiveInt('--max-input-tokens'))
    .option('--input <file>', 'input text file, one passage per line ("-" = stdin)', '-')
    .option('--output <file>', 'output JSONL file ("-" = stdout)', '-')
    .option('--batch-size <n>', 'passages decoded together', positiveInt('--batch-size'), 8)
    .option('--threads <n>', 'onnxruntime intra-op threads (default: all cores)', positiveInt('--threads'))
    .addOption(new Option('--provider <name>', 'execution provider').choices(PROVIDERS).default('auto'))
    .option('--cache-dir <dir>', 'where built ONNX graphs are cached (default ~/.cache/genq-workbench)')
    .option('--shipped-onnx', "run the encoder from the folder's onnx/encoder_model.onnx")
    .action(async (opts: GenerateCliOptions) => {
      await runGenerate(opts, ctx);
    });
}
