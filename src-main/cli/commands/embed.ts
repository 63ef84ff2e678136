// genq embed --model DIR [--input FILE|-] [--output FILE|-] [--batch-size N]
// One text per input line → JSONL {"text", "embedding"} with the model's pooling and normalisation.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { Embedder } from '../../core/models/embedder.js';
import type { ProviderChoice } from '../../core/models/session.js';
import { resolveModelFolder } from '../../core/models/model-ref.js';
import { projectModelPrefixes } from '../../core/models/prefixes.js';
import type { CliContext } from '../context.js';
import { openLineOutput } from '../output-file.js';
import { projectModel } from '../model-ref.js';

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
  /** A project whose model names --model may use, and whose prefixes --prompt-name applies. */
  project?: string;
  /** Put the model's query or passage prefix before each text (as sentence-transformers' prompt_name). */
  promptName?: 'query' | 'passage';
}

/** The folder and (with --project) the project's prefixes of --model. */
async function embedModel(opts: EmbedOptions, ctx: CliContext) {
  if (!opts.project) return { dir: resolveModelFolder(opts.model).dir, prefixes: undefined, cacheDir: undefined };
  const p = await ctx.openProject(opts.project);
  const model = await projectModel(p, opts.model, ctx, 'encoder');
  return { dir: model.path, prefixes: projectModelPrefixes(p.db, model.id), cacheDir: join(p.dir, 'models') };
}

/** float32 values round-trip exactly through 9 significant digits; shorter JSON than doubles. */
export const float32Json = (v: Float32Array): number[] => Array.from(v, (x) => Number(x.toPrecision(9)));

export async function runEmbed(opts: EmbedOptions, ctx: CliContext): Promise<number> {
  const model = await embedModel(opts, ctx);
  // Opened before the model loads: a missing folder or a directory is one clear line, not a stack.
  const out = await openLineOutput(opts.output, (line) => ctx.out(line));
  let embedder: Embedder;
  try {
    embedder = await Embedder.load(model.dir, { threads: opts.threads, provider: opts.provider, cacheDir: opts.cacheDir ?? model.cacheDir, useShippedOnnx: opts.shippedOnnx, prefixes: model.prefixes });
  } catch (err) {
    await out.close();
    throw err;
  }
  const embedTexts = (texts: string[]) =>
    opts.promptName === 'query' ? embedder.embedQueries(texts, { batchSize: opts.batchSize }) : opts.promptName === 'passage' ? embedder.embedPassages(texts, { batchSize: opts.batchSize }) : embedder.embed(texts, { batchSize: opts.batchSize });
  ctx.err(`genq embed: ${embedder.folder.architecture} (${embedder.graph} graph) on ${embedder.provider}, pooling ${embedder.folder.pooling}${embedder.folder.normalize ? ' + normalize' : ''}${opts.promptName ? `, ${opts.promptName} prefix ${JSON.stringify(embedder.prefixes[opts.promptName])}` : ''}`);
  const input = opts.input === '-' ? process.stdin : createReadStream(opts.input, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  // Embed in chunks so a large input never sits in memory all at once; each chunk is length-sorted inside.
  const chunkSize = opts.batchSize * 16;
  let chunk: string[] = [];
  let count = 0;
  const flush = async () => {
    const vectors = await embedTexts(chunk);
    for (let i = 0; i < chunk.length; i++) await out.write(JSON.stringify({ text: chunk[i], embedding: float32Json(vectors[i]) }));
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
    await out.close();
  }
  ctx.err(`genq embed: ${count} texts`);
  return count;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('embed')
    .description('embed one text per input line with a model folder; prints JSONL {"text", "embedding"}')
    .requiredOption('--model <model>', 'Hugging Face / sentence-transformers model folder (BERT or MPNet), a cached Hub id, or with --project a project model id or name')
    .option('--project <dir>', "project whose model names --model may use (and whose prefixes --prompt-name applies)")
    .addOption(new Option('--prompt-name <name>', "put the model's query or passage prefix before each text (the project's, else the folder's prompts)").choices(['query', 'passage']))
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
