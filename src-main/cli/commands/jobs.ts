// genq jobs list|start|resume
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { jobsContract, type JobSnapshot } from '../../../shared/services/jobs.js';
import type { CliContext, CliProject } from '../context.js';
import { commandArgv, parseFlags } from '../flags.js';

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer.`);
  return n;
};

export function register(program: Command, ctx: CliContext): void {
  const jobs = program.command('jobs').description("list a project's jobs and run or resume them from the terminal");

  jobs
    .command('list')
    .description('print the jobs of a project as JSON (newest first)')
    .requiredOption('--project <dir>', 'project folder')
    .option('--limit <n>', 'at most this many jobs', positiveInt('--limit'), 100)
    .action(async (opts: { project: string; limit: number }, cmd: Command) => {
      parseFlags(jobsContract.list.input, { limit: opts.limit }, { flags: { limit: '--limit' }, argv: commandArgv(cmd) });
      const p = await ctx.openProject(opts.project);
      ctx.out(JSON.stringify(p.runner.list(opts.limit), null, 2));
    });

  jobs
    .command('start')
    .description('start a job and run it to completion, progress on stderr, final state as JSON on stdout')
    .requiredOption('--project <dir>', 'project folder')
    .argument('<kind>', 'job kind (see the error message of an unknown kind for the list)')
    .option('--params <json>', 'job parameters as a JSON object', '{}')
    .action(async (kind: string, opts: { project: string; params: string }) => {
      let params: unknown;
      try {
        params = JSON.parse(opts.params);
      } catch {
        throw new Error(`--params is not valid JSON: ${opts.params}`);
      }
      const p = await ctx.openProject(opts.project);
      await runToEnd(ctx, p, p.runner.start(kind, params).id);
    });

  jobs
    .command('resume')
    .description('resume an interrupted, failed or cancelled job from its checkpoint and run it to completion')
    .requiredOption('--project <dir>', 'project folder')
    .argument('<id>', 'job id', positiveInt('job id'))
    .action(async (id: number, opts: { project: string }) => {
      const p = await ctx.openProject(opts.project);
      await runToEnd(ctx, p, p.runner.resume(id).id);
    });
}

/** Follows the job's updates on stderr until it ends; fails the command unless it is done. */
async function runToEnd(ctx: CliContext, p: CliProject, id: number): Promise<void> {
  const stop = p.services.events.subscribe((m) => {
    if (m.service !== 'jobs' || m.event !== 'onUpdate') return;
    const s = m.payload as JobSnapshot;
    if (s.id === id && s.state === 'running') ctx.err(formatProgress(s));
  });
  // Ctrl-C stops the job cleanly; its checkpoint stays for a later resume.
  const onSignal = () => void p.runner.cancel(id);
  process.once('SIGINT', onSignal);
  try {
    const end = await p.runner.waitFor(id);
    ctx.out(JSON.stringify(end, null, 2));
    if (end.state !== 'done') {
      const why = end.error ? `: ${end.error.name}: ${end.error.message}` : '';
      throw new Error(`job ${id} ended ${end.state}${why}`);
    }
  } finally {
    stop();
    process.off('SIGINT', onSignal);
  }
}

export function formatProgress(s: JobSnapshot): string {
  const { done, total, unit, rate, etaSeconds, message } = s.progress;
  const parts = [`[job ${s.id}] ${done}${total != null ? `/${total}` : ''} ${unit}`];
  if (rate != null) parts.push(`${rate.toFixed(1)} ${unit}/s`);
  if (etaSeconds != null) parts.push(`ETA ${Math.ceil(etaSeconds)} s`);
  if (message) parts.push(message);
  return parts.join(' · ');
}
