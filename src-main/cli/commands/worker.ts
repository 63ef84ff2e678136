// genq worker --redis URL [--provider auto|cpu|webgpu|cuda] [--concurrency N] [--threads N]
//   [--queue NAME] [--path-map FROM=TO]... [--lock-ms MS]
// Takes generation and embedding shards from the Redis queue until interrupted (SIGINT/SIGTERM
// finish the shards in hand, then exit). Needs no project: each shard carries its passages and
// names its model (a folder on a shared path, or a Hub repo at a pinned commit in this machine's cache).
import type { Command } from 'commander';
import { Option } from 'commander';
import { checkRedisUrl } from '../../core/distributed/redis-url.js';
import { parsePathMap, type PathMap } from '../../core/distributed/worker-models.js';
import type { ProviderChoice } from '../../core/models/session.js';
import type { CliContext } from '../context.js';
import { positiveInt } from './embed.js';

interface WorkerCliOptions {
  redis: string;
  provider: ProviderChoice;
  concurrency: number;
  threads?: number;
  queue?: string;
  pathMap: PathMap[];
  lockMs?: number;
  id?: string;
  delayMs?: number;
  maxDeferrals?: number;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('take query-generation and embedding shards from a Redis queue (genq generate/index --workers URL); no project needed')
    .requiredOption('--redis <url>', 'redis://[user:password@]host:port[/db], or rediss:// for TLS', (v) => checkRedisUrl(v))
    .addOption(new Option('--provider <name>', 'execution provider for the models').choices(['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu']).default('auto'))
    .option('--concurrency <n>', 'shards processed at once', positiveInt('--concurrency'), 1)
    .option('--threads <n>', 'onnxruntime intra-op threads (default: all cores)', positiveInt('--threads'))
    .option('--queue <name>', 'queue name (default genq-shards)')
    .option('--path-map <from=to>', 'the coordinator\'s path prefix FROM is mounted at TO here (repeatable)', (v, all: PathMap[]) => [...all, parsePathMap(v)], [] as PathMap[])
    .option('--lock-ms <ms>', 'a shard whose worker goes silent this long is handed to another worker (default 30000)', positiveInt('--lock-ms'))
    .option('--id <id>', 'worker id shown in the Workers panel (default host-pid-random)')
    .addOption(new Option('--max-deferrals <n>', 'times a shard whose model this worker cannot load is put back for others before its error counts as a failed attempt (default 50)').argParser(positiveInt('--max-deferrals')).hideHelp())
    .addOption(new Option('--delay-ms <ms>', 'sleep this long in each shard before computing (simulates a slower device)').argParser(positiveInt('--delay-ms')).hideHelp())
    .action(async (opts: WorkerCliOptions) => {
      const { ShardWorker } = await import('../../core/distributed/shard-worker.js');
      const worker = new ShardWorker({
        redisUrl: opts.redis,
        provider: opts.provider,
        concurrency: opts.concurrency,
        threads: opts.threads,
        queue: opts.queue,
        pathMaps: opts.pathMap,
        lockDurationMs: opts.lockMs,
        stalledIntervalMs: opts.lockMs ? Math.max(100, Math.floor(opts.lockMs / 2)) : undefined,
        heartbeatMs: opts.lockMs ? Math.max(200, Math.min(2000, Math.floor(opts.lockMs / 2))) : undefined,
        id: opts.id,
        delayMs: opts.delayMs,
        maxDeferrals: opts.maxDeferrals,
        log: (line) => ctx.err(line),
      });
      await worker.start();
      ctx.out(JSON.stringify({ worker: worker.id, ready: true }));
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      ctx.err(`[worker ${worker.id}] stopping: finishing the shards in hand`);
      await worker.close();
    });
}
