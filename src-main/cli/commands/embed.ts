// genq embed --model DIR [--input FILE|-] [--output FILE|-] [--batch-size N]
// One text per input line → JSONL {"text", "embedding"} with the model's pooling and normalisation.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { Embedder } from '../../core/models/embedder.js';
import type { ProviderChoice } from '../../core/models/session.js';
import type { CliContext } from '../context.js';

const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

export const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer.`);
  return n;
};

export interface EmbedOptions {
  model: string;
  input: string;
  output: string;
  batchSize: number;
  threads?: number;
  provider: ProviderChoice;
  cacheDir?: string;
  shippedOnnx?: boolean;
}

/** float32 values round-trip exactly through 9 significant digits; shorter JSON than doubles. */
export const float32Json = (v: Float32Array): number[] => Array.from(v, (x) => Number(x.toPrecision(9)));

export async function runEmbed(opts: EmbedOptions, ctx: CliContext): Promise<number> {
  const embedder = await Embedder.load(opts.model, { threads: opts.threads, provider: opts.provider, cacheDir: opts.cacheDir, useShippedOnnx: opts.shippedOnnx });
  ctx.err(`genq embed: ${embedder.folder.architecture} (${embedder.graph} graph) on ${embedder.provider}, pooling ${embedder.folder.pooling}${embedder.folder.normalize ? ' + normalize' : ''}`);
  const file: WriteStream | null = opts.output === '-' ? null : createWriteStream(opts.output);
  const write = async (line: string) => {
    if (!file) return ctx.out(line);
    if (!file.write(`${line}\n`)) await once(file, 'drain');
  };
  const input = opts.input === '-' ? process.stdin : createReadStream(opts.input, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  // Embed in chunks so a large input never sits in memory all at once; each chunk is length-sorted inside.
  const chunkSize = opts.batchSize * 16;
  let chunk: string[] = [];
  let count = 0;
  const flush = async () => {
    const vectors = await embedder.embed(chunk, { batchSize: opts.batchSize });
    for (let i = 0; i < chunk.length; i++) await write(JSON.stringify({ text: chunk[i], embedding: float32Json(vectors[i]) }));
    count += chunk.length;
    chunk = [];
  };
  try {
    for await (const line of lines) {
      if (line.length === 0) continue; // blank lines hold no text
      chunk.push(line);
      if (chunk.length >= chunkSize) await flush();
    }
    if (chunk.length > 0) await flush();
  } finally {
    await embedder.release();
    if (file) await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  ctx.err(`genq embed: ${count} texts`);
  return count;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('embed')
    .description('embed one text per input line with a model folder; prints JSONL {"text", "embedding"}')
    .requiredOption('--model <dir>', 'Hugging Face / sentence-transformers model folder (BERT or MPNet)')
    .option('--input <file>', 'input text file, one text per line ("-" = stdin)', '-')
    .option('--output <file>', 'output JSONL file ("-" = stdout)', '-')
    .option('--batch-size <n>', 'texts per forward pass', positiveInt('--batch-size'), 32)
    .option('--threads <n>', 'onnxruntime intra-op threads (default: all cores)', positiveInt('--threads'))
    .addOption(new Option('--provider <name>', 'execution provider').choices(PROVIDERS).default('auto'))
    .option('--cache-dir <dir>', 'where built ONNX graphs are cached (default ~/.cache/genq-workbench)')
    .option('--shipped-onnx', "use the folder's onnx/model.onnx when it has one")
    .action(async (opts: EmbedOptions) => {
      await runEmbed(opts, ctx);
    });
}
