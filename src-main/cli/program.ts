// Builds the `genq` command line from the command modules and runs it with clean errors.
import { Command, CommanderError } from 'commander';
import { packageInfo } from '../core/app/package-info.js';
import { commandModules } from './commands/index.js';
import { createCliContext, type CliContext } from './context.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('genq')
    .description(
      'GenQ Workbench: turn unlabeled text into a domain-tuned semantic search model ' +
        '(synthetic queries, curation, fine-tuning, HNSW search) without Python.',
    )
    .version(packageInfo().version)
    .showHelpAfterError('(run `genq --help` for usage)');
  for (const mod of commandModules) mod.register(program, ctx);
  return program;
}

/** Runs the CLI; returns the process exit code. Stack traces only with GENQ_DEBUG=1. */
export async function runCli(argv: string[], ctx: CliContext = createCliContext()): Promise<number> {
  const program = buildProgram(ctx).exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    // Commander has already printed its own message (usage errors, --help, --version).
    if (err instanceof CommanderError) return err.exitCode;
    if (process.env.GENQ_DEBUG === '1') ctx.err(err instanceof Error ? (err.stack ?? err.message) : String(err));
    else ctx.err(`genq: ${firstLine(err instanceof Error ? err.message : String(err))}`);
    return 1;
  } finally {
    await ctx.dispose();
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
