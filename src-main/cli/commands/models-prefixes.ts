// genq models prefixes --project DIR --model M [--query TEXT] [--passage TEXT] [--reset]: the text a
// project puts before queries and passages for an encoder (E5's "query: " / "passage: ", BGE's
// instruction). Without --query/--passage it prints them; the model as JSON either way.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { projectModel } from '../model-ref.js';

interface PrefixOptions {
  project: string;
  model: string;
  query?: string;
  passage?: string;
  reset?: boolean;
}

export function registerPrefixCommand(models: Command, ctx: CliContext): void {
  models
    .command('prefixes')
    .description("show or set the query and passage prefixes a project uses for an encoder (default: the folder's config_sentence_transformers.json prompts); prints the model as JSON")
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--model <model>', 'project model id or name (or a folder / cached Hub id, registered on the fly)')
    .option('--query <text>', 'put this before every query, e.g. "query: " (quote it to keep the trailing space; "" for none)')
    .option('--passage <text>', 'put this before every passage, e.g. "passage: "')
    .option('--reset', "go back to the folder's own prompts")
    .action(async (opts: PrefixOptions) => {
      if (opts.reset && (opts.query !== undefined || opts.passage !== undefined)) throw new Error('give --reset or --query/--passage, not both');
      const p = await ctx.openProject(opts.project);
      const { id } = await projectModel(p, opts.model, ctx, 'encoder');
      const change = opts.reset ? { query: null, passage: null } : { query: opts.query, passage: opts.passage };
      const model =
        change.query === undefined && change.passage === undefined
          ? (await p.services.impl.models.list({})).find((m) => m.id === id)!
          : await p.services.impl.models.setPrefixes({ id, ...change });
      ctx.out(JSON.stringify(model, null, 2));
    });
}
