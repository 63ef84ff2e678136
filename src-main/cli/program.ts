// Builds the `genq` command line from the command modules and runs it with clean errors.
import { Command, CommanderError } from 'commander';
import { packageInfo } from '../core/app/package-info.js';
import { commandModules } from './commands/index.js';
import { createCliContext, type CliContext } from './context.js';
import { FlagError, zodErrorLines } from './flags.js';

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
    else for (const line of errorLines(err)) ctx.err(`genq: ${line}`);
    return 1;
  } finally {
    await ctx.dispose();
  }
}

/** One line per problem for flag and schema errors (a raw ZodError message is JSON); else the first line. */
function errorLines(err: unknown): string[] {
  if (err instanceof FlagError) return err.problems;
  const issues = (err as { issues?: unknown } | null)?.issues;
  if (err instanceof Error && Array.isArray(issues)) return zodErrorLines(err as never);
  return [(err instanceof Error ? err.message : String(err)).split('\n')[0]];
}
