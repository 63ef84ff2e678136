// genq project create|info
import type { Command } from 'commander';
import { projectsContract } from '../../../shared/services/projects.js';
import type { CliContext } from '../context.js';
import { commandArgv, parseFlags } from '../flags.js';
import { projectSummary } from '../../core/project/summary.js';

export function register(program: Command, ctx: CliContext): void {
  const project = program.command('project').description('create and inspect projects (a folder with project.sqlite)');

  project
    .command('create')
    .description('create a new project folder and print its info as JSON')
    .argument('<dir>', 'project folder (created if missing)')
    .option('--name <name>', 'display name (default: the folder name)')
    .action(async (dir: string, opts: { name?: string }, cmd: Command) => {
      const input = parseFlags(projectsContract.create.input, { dir, name: opts.name }, { flags: { dir: '<dir>', name: '--name' }, argv: commandArgv(cmd) });
      const services = await ctx.services();
      const info = await services.impl.projects.create(input);
      ctx.out(JSON.stringify(info, null, 2));
    });

  project
    .command('info')
    .description('print counts of documents, passages, queries by status, models and jobs by state as JSON')
    .argument('<dir>', 'project folder')
    .action(async (dir: string) => {
      const p = await ctx.openProject(dir);
      ctx.out(JSON.stringify(projectSummary(p.db, p.info), null, 2));
    });
}
