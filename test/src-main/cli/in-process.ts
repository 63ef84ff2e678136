// Runs the genq CLI in this process (no tsx child start-up): exit code and output lines.
import { createCliContext } from '../../../src-main/cli/context.js';
import { runCli } from '../../../src-main/cli/program.js';

export async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['node', 'genq', ...args], createCliContext({ out: (l) => out.push(l), err: (l) => err.push(l) }));
  return { code, out, err };
}
