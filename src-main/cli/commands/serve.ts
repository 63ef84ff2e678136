// genq serve: the app in a browser (web mode), on 127.0.0.1 with a per-launch token.
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliContext } from '../context.js';
import { packageInfo } from '../../core/app/package-info.js';
import { startWebServer } from '../../server/web.js';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('--port must be an integer from 0 to 65535.');
  return n;
};

export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve the workbench UI and API on 127.0.0.1 for a browser (prints the URL with its access token)')
    .option('--project <dir>', 'open this project at start (created if the folder holds none)')
    .option('--port <n>', 'port to listen on (default: a free one)', port, 0)
    .action(async (opts: { project?: string; port: number }) => {
      const services = await ctx.services({ initialProject: opts.project });
      const server = await startWebServer({
        services,
        port: opts.port,
        staticDir: join(packageInfo().root, 'dist', 'renderer'),
      });
      ctx.out(`GenQ Workbench is running at ${server.url}`);
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
