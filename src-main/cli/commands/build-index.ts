// genq index --project DIR --model VERSION [--rebuild] [--m N] [--ef-construction N] [--ef N]
// Builds (or incrementally updates) the HNSW index of a model version in this process; progress
// on stderr, the build report as JSON on stdout.
import type { Command } from 'commander';
import { indexBuildParamsSchema } from '../../core/index/jobs.js';
import { buildIndexForModel, type BuildForModelHooks } from '../../core/index/build-for-model.js';
import type { CliContext } from '../context.js';
import { commandArgv, parseFlags } from '../flags.js';
import { checkRedisUrl } from '../../core/distributed/redis-url.js';
import { positiveInt } from './embed.js';
import { projectModel } from '../model-ref.js';

interface IndexOptions {
  project: string;
  model: string;
  rebuild?: boolean;
  m?: number;
  efConstruction?: number;
  ef?: number;
  batchSize: number;
  /** Execution provider for the encoder (checked by the job schema). */
  provider: string;
  /** Redis URL: embed on `genq worker`s (core/distributed). */
  workers?: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('index')
    .description("embed the project's passages with a model version and build or update its HNSW index; report JSON on stdout")
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--model <version>', 'model id or name in the project, a model folder or a cached Hub id (registered on the fly)')
    .option('--rebuild', 're-embed everything instead of updating incrementally')
    .option('--m <n>', 'HNSW graph degree M (default 16)', positiveInt('--m'))
    .option('--ef-construction <n>', 'HNSW efConstruction (default 200)', positiveInt('--ef-construction'))
    .option('--ef <n>', 'HNSW search ef (default 100)', positiveInt('--ef'))
    .option('--batch-size <n>', 'texts per forward pass', positiveInt('--batch-size'), 32)
    .option('--provider <name>', 'execution provider for the encoder: auto, cpu, webgpu, cuda, dml, coreml', 'auto')
    .option('--workers <redis-url>', 'embed the passages on `genq worker`s taking work from this Redis (redis:// or rediss://)', (v) => checkRedisUrl(v))
    .action(async (opts: IndexOptions, cmd: Command) => {
      // The job's schema checks the flags before the project is opened or a model registered.
      const settings = parseFlags(
        indexBuildParamsSchema.omit({ modelId: true }),
        { rebuild: opts.rebuild ?? false, M: opts.m, efConstruction: opts.efConstruction, ef: opts.ef, batchSize: opts.batchSize, provider: opts.provider },
        { flags: { M: '--m', efConstruction: '--ef-construction', ef: '--ef', batchSize: '--batch-size', provider: '--provider' }, argv: commandArgv(cmd) },
      );
      const p = await ctx.openProject(opts.project);
      const params = { ...settings, modelId: (await projectModel(p, opts.model, ctx, 'encoder')).id };
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      let lastLine = 0;
      try {
        const hooks: BuildForModelHooks = {
          signal: controller.signal,
          log: (message) => ctx.err(`index: ${message}`),
          progress: ({ done, total }) => {
            if (Date.now() - lastLine < 1000 && done !== total) return;
            lastLine = Date.now();
            ctx.err(`index ${((100 * done) / Math.max(total, 1)).toFixed(1)}% ${done} / ${total} passages`);
          },
        };
        const report = opts.workers
          ? await (await import('../../core/distributed/distributed-index.js')).buildIndexOnWorkers(p.dir, p.db, params, { redisUrl: opts.workers }, hooks)
          : await buildIndexForModel(p.dir, p.db, params, hooks);
        ctx.out(JSON.stringify(report, null, 2));
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
