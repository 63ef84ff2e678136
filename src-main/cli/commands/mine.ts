// genq mine --project DIR --retriever bm25 --retriever MODEL [--k 50] --cross-encoder MODEL
//   [--negatives-per-query N] [--seed S] [--batch-size B] [--threads T] [--workers redis://…]
// GPL hard-negative mining as a resumable 'mining.run' job: top-k passages per query from each
// retriever, the positive and copies of it excluded, N negatives sampled with the seed, margins
// CE(q, pos) − CE(q, neg) from the cross-encoder. A run interrupted with the same settings (kill,
// Ctrl-C) is resumed instead of started again. Progress on stderr; the JSON report on stdout.
// --workers: the cross-encoder labelling runs on `genq worker`s taking shards from that Redis
// (retrieval stays here, next to the project); same negatives and margins as in-process.
import type { Command } from 'commander';
import { miningParamsSchema, type MiningReport } from '../../../shared/services/mining.js';
import type { JobSnapshot } from '../../../shared/services/jobs.js';
import { formatZodError } from '../../core/api/dispatch.js';
import type { ModelRole } from '../../../shared/services/models.js';
import type { CliContext, CliProject } from '../context.js';
import { projectModel } from '../model-ref.js';

interface MineOptions {
  project: string;
  retriever: string[];
  k?: string;
  crossEncoder: string;
  negativesPerQuery?: string;
  seed?: string;
  batchSize?: string;
  threads?: string;
  /** Execution provider for the encoders and the cross-encoder (checked by the mining schema). */
  provider?: string;
  workers?: string;
}

export class MineError extends Error {
  override name = 'MineError';
}

/** A flag's text as a number for zod to check ("abc" stays a string and is reported as such). */
const numeric = (value: string | undefined) => (value === undefined ? undefined : /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value);

/** A project model id or name, a model folder or a cached Hub id (registered in the project on first use). */
async function projectModelId(p: CliProject, ref: string, role: ModelRole, ctx: CliContext): Promise<number> {
  return (await projectModel(p, ref, ctx, role)).id;
}

const sameParams = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function register(program: Command, ctx: CliContext): void {
  program
    .command('mine')
    .description('mine hard negatives for GPL (MarginMSE): top-k per retriever, cross-encoder margins; resumable; JSON report on stdout')
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--retriever <name>', 'bm25, or an encoder (project model id or name, model folder or cached Hub id); repeatable', (v: string, all: string[]) => [...all, v], [])
    .option('--k <n>', 'passages taken from each retriever per query (default 50)')
    .requiredOption('--cross-encoder <model>', 'cross-encoder labelling the negatives (project model id or name, model folder or cached Hub id)')
    .option('--negatives-per-query <n>', 'negatives sampled per query from the retrievers\' union (default 10)')
    .option('--seed <n>', 'sampling seed (default 42)')
    .option('--batch-size <n>', 'cross-encoder pairs and encoder texts per forward pass (default 32)')
    .option('--threads <n>', 'onnxruntime intra-op threads (default: all cores)')
    .option('--provider <name>', 'execution provider for the encoders and the cross-encoder run here: auto, cpu, webgpu, cuda, dml, coreml (default auto)')
    .option('--workers <redis-url>', 'label on `genq worker`s taking shards from this Redis (redis://[user:password@]host:port or rediss://)')
    .action(async (opts: MineOptions) => {
      const p = await ctx.openProject(opts.project);
      const retrievers = [];
      for (const ref of opts.retriever) {
        retrievers.push(ref.toLowerCase() === 'bm25' ? { kind: 'bm25' as const } : { kind: 'model' as const, modelId: await projectModelId(p, ref, 'encoder', ctx) });
      }
      const parsed = miningParamsSchema.safeParse({
        retrievers,
        crossEncoderId: await projectModelId(p, opts.crossEncoder, 'cross-encoder', ctx),
        k: numeric(opts.k),
        negativesPerQuery: numeric(opts.negativesPerQuery),
        seed: numeric(opts.seed),
        batchSize: numeric(opts.batchSize),
        threads: numeric(opts.threads),
        provider: opts.provider,
        workers: opts.workers === undefined ? undefined : { redisUrl: opts.workers },
      });
      if (!parsed.success) throw new MineError(formatZodError('genq mine', parsed.error).replace(/\bnegativesPerQuery\b/, '--negatives-per-query').replace(/\bbatchSize\b/, '--batch-size').replace(/\bretrievers\b/, '--retriever').replace(/\bworkers\.redisUrl\b/, '--workers').replace(/\bprovider\b/, '--provider'));
      const params = parsed.data;

      const interrupted = (await p.services.impl.jobs.list({ limit: 1000 })).find((j) => j.kind === 'mining.run' && j.resumable && sameParams(j.params, params));
      let job: JobSnapshot;
      if (interrupted) {
        ctx.err(`genq mine: resuming job ${interrupted.id} (${interrupted.progress.done}/${interrupted.progress.total ?? '?'} queries done)`);
        job = await p.services.impl.jobs.resume({ id: interrupted.id });
      } else {
        job = await p.services.impl.mining.start(params);
        ctx.err(`genq mine: job ${job.id}: ${job.title}`);
      }
      let last = 0;
      const stop = p.services.events.subscribe((m) => {
        if (m.service !== 'jobs' || m.event !== 'onUpdate') return;
        const j = m.payload as JobSnapshot;
        if (j.id !== job.id || Date.now() - last < 1000) return;
        last = Date.now();
        ctx.err(`  ${j.progress.done}/${j.progress.total ?? '?'} queries ${j.progress.message ?? ''}`);
      });
      const onSigint = () => void p.services.impl.jobs.cancel({ id: job.id });
      process.once('SIGINT', onSigint);
      try {
        const end = await p.runner.waitFor(job.id);
        if (end.state !== 'done') throw new MineError(`mining job ${job.id} ended ${end.state}${end.error ? `: ${end.error.message}` : ''}${end.resumable ? ' (run the same genq mine again to resume it)' : ''}`);
        ctx.out(JSON.stringify(end.result as MiningReport, null, 2));
      } finally {
        stop();
        process.off('SIGINT', onSigint);
      }
    });
}
