// genq models add|remove|project: the models registered in a project (what index, search, eval,
// generate and train refer to by id or name).
import type { Command } from 'commander';
import { Option } from 'commander';
import { resolveModelDir } from '../../core/models/hub/lookup.js';
import { modelsContract } from '../../../shared/services/models.js';
import type { CliContext } from '../context.js';
import { commandArgv, parseFlags } from '../flags.js';
import { positiveInt } from './embed.js';

export function registerProjectModelCommands(models: Command, ctx: CliContext): void {
  models
    .command('add')
    .description("register a model folder (or a cached OWNER/NAME[@REV]) in a project; prints the model as JSON")
    .argument('<dir-or-id>', 'model folder, or OWNER/NAME[@REV] of a model in the cache (genq models pull)')
    .requiredOption('--project <dir>', 'project folder')
    .option('--name <name>', 'name to refer to it by (default: the folder name)')
    .addOption(new Option('--role <role>', 'what it is used for (default: guessed from the config)').choices(['encoder', 'generator', 'cross-encoder']))
    .option('--query-prefix <text>', 'put this before every query this encoder embeds, e.g. "query: " (default: the folder\'s prompts)')
    .option('--passage-prefix <text>', 'put this before every passage, e.g. "passage: "')
    .action(async (dirOrId: string, opts: { project: string; name?: string; role?: 'encoder' | 'generator' | 'cross-encoder'; queryPrefix?: string; passagePrefix?: string }, cmd: Command) => {
      parseFlags(
        modelsContract.add.input,
        { dir: dirOrId, name: opts.name, role: opts.role, queryPrefix: opts.queryPrefix, passagePrefix: opts.passagePrefix },
        { flags: { dir: '<dir-or-id>', name: '--name', role: '--role', queryPrefix: '--query-prefix', passagePrefix: '--passage-prefix' }, argv: commandArgv(cmd) },
      );
      const p = await ctx.openProject(opts.project);
      const model = await p.services.impl.models.add({
        dir: resolveModelDir(dirOrId),
        name: opts.name ?? nameFromId(dirOrId),
        role: opts.role,
        queryPrefix: opts.queryPrefix,
        passagePrefix: opts.passagePrefix,
      });
      ctx.out(JSON.stringify(model, null, 2));
    });

  models
    .command('remove')
    .description('remove a model from a project (its folder is left on disk)')
    .argument('<id>', 'model id (genq models project --project DIR)', positiveInt('id'))
    .requiredOption('--project <dir>', 'project folder')
    .action(async (id: number, opts: { project: string }) => {
      const p = await ctx.openProject(opts.project);
      await p.services.impl.models.remove({ id });
      ctx.out(JSON.stringify({ removed: id }));
    });

  models
    .command('project')
    .description("list a project's models (id, name, role, folder, facts) as JSON")
    .requiredOption('--project <dir>', 'project folder')
    .action(async (opts: { project: string }) => {
      const p = await ctx.openProject(opts.project);
      ctx.out(JSON.stringify(await p.services.impl.models.list({}), null, 2));
    });
}

/** A Hub id's repo name ("owner/name@rev" → "name"); undefined for folders (the service uses the folder name). */
function nameFromId(dirOrId: string): string | undefined {
  const m = /^[\w.-]+\/([\w.-]+)(@.+)?$/.exec(dirOrId);
  return m && !dirOrId.startsWith('.') ? m[1] : undefined;
}
