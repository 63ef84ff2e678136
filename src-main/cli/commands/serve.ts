// genq serve: the app in a browser (web mode), on 127.0.0.1 with a per-launch token.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliContext } from '../context.js';
import { packageInfo } from '../../core/app/package-info.js';
import { defaultHubCacheDir } from '../../core/models/hub/settings.js';
import { startWebServer } from '../../server/web.js';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('--port must be an integer from 0 to 65535.');
  return n;
};

/** --allow-dir DIR (repeatable): an existing folder, made absolute. */
const allowDir = (value: string, previous: string[]): string[] => {
  const dir = resolve(value);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new InvalidArgumentError(`--allow-dir: ${dir} does not exist.`);
  }
  if (!isDir) throw new InvalidArgumentError(`--allow-dir: ${dir} is not a folder.`);
  return [...previous, dir];
};

export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve the workbench UI and API on 127.0.0.1 for a browser (prints the URL with its access token)')
    .option('--project <dir>', 'open this project at start (created if the folder holds none)')
    .option('--port <n>', 'port to listen on (default: a free one)', port, 0)
    .option(
      '--allow-dir <dir>',
      'a folder the browser may read and write (imports, exports, projects, model folders); repeatable. ' +
        'Without it the browser reaches only the open project folder (and reads the model cache)',
      allowDir,
      [] as string[],
    )
    .action(async (opts: { project?: string; port: number; allowDir: string[] }) => {
      const services = await ctx.services({ initialProject: opts.project });
      const server = await startWebServer({
        services,
        port: opts.port,
        staticDir: join(packageInfo().root, 'dist', 'renderer'),
        // The project chosen at the command line stays reachable after the browser switches away.
        allowDirs: [...(opts.project ? [resolve(opts.project)] : []), ...opts.allowDir],
        readOnlyDirs: [defaultHubCacheDir()],
      });
      ctx.out(`GenQ Workbench is running at ${server.url}`);
      if (opts.allowDir.length) ctx.err(`The browser may also use: ${opts.allowDir.join(', ')}`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          ctx.err('Shutting down…');
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
      // Running jobs become interrupted (resumable) when the services close after this action.
    });
}
