// genq models pull REPO_ID[@REV] and genq models list: the shared Hub model cache from the shell.
// Progress goes to stderr, the result (JSON) to stdout.
import type { Command } from 'commander';
import { HubCache } from '../../core/models/hub/cache.js';
import { pullModel } from '../../core/models/hub/pull.js';
import { hubSettings, parseRepoRef } from '../../core/models/hub/settings.js';
import { modelsPullParamsSchema } from '../../../shared/services/models.js';
import type { CliContext } from '../context.js';
import { commandArgv, parseFlags } from '../flags.js';

export function registerHubCommands(models: Command, ctx: CliContext): void {
  models
    .command('pull')
    .description('download a model from the Hugging Face Hub into the shared cache (only the files the runtime needs); prints the result as JSON')
    .argument('<repo>', 'OWNER/NAME or OWNER/NAME@REVISION (branch, tag or commit)')
    .option('--include <glob...>', 'also fetch these paths (e.g. "onnx/*" or pytorch_model.bin)')
    .option('--quiet', 'no progress lines on stderr')
    .action(async (ref: string, opts: { include?: string[]; quiet?: boolean }, cmd: Command) => {
      const { repo, revision } = parseRepoRef(ref);
      parseFlags(modelsPullParamsSchema, { repo, revision, include: opts.include }, { flags: { repo: '<repo>', revision: '<repo>', include: '--include' }, argv: commandArgv(cmd) });
      const ac = new AbortController();
      const onSigint = () => ac.abort();
      process.once('SIGINT', onSigint);
      let lastLine = 0;
      try {
        const result = await pullModel(repo, {
          revision,
          include: opts.include,
          signal: ac.signal,
          log: (level, message) => ctx.err(`${level}: ${message}`),
          onProgress: ({ done, total, file }) => {
            const now = Date.now();
            if (opts.quiet || (now - lastLine < 1000 && done !== total)) return;
            lastLine = now;
            ctx.err(`${repo}: ${formatBytes(done)} / ${formatBytes(total)} (${total ? Math.floor((100 * done) / total) : 100}%)${file ? ` ${file}` : ''}`);
          },
        });
        ctx.out(JSON.stringify(result, null, 2));
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
  models
    .command('list')
    .description('list the models in the shared cache (repo, commit, refs, folder, files, size) as JSON')
    .action(() => {
      const settings = hubSettings();
      ctx.out(JSON.stringify({ cacheDir: settings.cacheDir, models: new HubCache(settings.cacheDir).list() }, null, 2));
    });
}

export function formatBytes(n: number): string {
  if (n < 1e3) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  while (v >= 1e3 && i < units.length - 1) {
    v /= 1e3;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
