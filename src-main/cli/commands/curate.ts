// genq curate --project DIR [--signals] [--apply-rule NAME|EXPR ...] [--preview] [--split SHARE] [--undo]
// Curation from the command line, in this process: compute quality signals, apply saved/built-in
// rules or rule expressions ("reject copyRatio > 0.8", "keep top 70% by relevance per corpus")
// in order, hold out the eval split, undo the last action. A JSON report goes to stdout.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { curationContract, signalsParamsSchema } from '../../../shared/services/curation.js';
import { undo } from '../../core/curation/actions.js';
import { countQueries } from '../../core/curation/queries.js';
import { applyRule, describeRule, listRules, previewRule, resolveRule } from '../../core/curation/rules.js';
import { computeSignals } from '../../core/curation/signals-job.js';
import { makeSplit } from '../../core/curation/splits.js';
import type { CliContext } from '../context.js';
import { commandArgv, parseFlags } from '../flags.js';

const SIGNAL_FLAGS: Record<string, string> = {
  roundtrip: '--roundtrip',
  roundtripK: '--roundtrip-k',
  crossEncoderId: '--cross-encoder',
  nearDupThreshold: '--near-dup-threshold',
  provider: '--provider',
};
import { projectModel } from '../model-ref.js';

interface CurateOptions {
  project: string;
  signals?: boolean;
  roundtrip?: boolean | string;
  crossEncoder?: string;
  roundtripK?: number;
  nearDupThreshold?: number;
  /** Execution provider for the round-trip encoder and the cross-encoder (checked by the signals schema). */
  provider?: string;
  applyRule: string[];
  preview?: boolean;
  split?: number;
  seed: number;
  undo?: boolean;
  listRules?: boolean;
}

const share = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError('--split must be a share in [0, 1), e.g. 0.1');
  return n;
};
const int = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer.`);
  return n;
};

export function register(program: Command, ctx: CliContext): void {
  program
    .command('curate')
    .description('curate generated queries: compute quality signals, apply rules (saved name or expression), hold out the eval split; JSON report on stdout')
    .requiredOption('--project <dir>', 'project folder')
    .option('--signals', 'compute the lexical quality signals first')
    .option('--roundtrip [model]', "also compute round-trip ranks (with the project's base encoder, or this model: id, name, folder or cached Hub id)")
    .option('--roundtrip-k <n>', 'ranks beyond k are stored as k + 1 (default 100)', int('--roundtrip-k'))
    .option('--near-dup-threshold <jaccard>', 'word Jaccard at or above which a query near-duplicates one of another passage (default 0.9)', Number)
    .option('--cross-encoder <model>', 'also compute relevance scores with this cross-encoder (project model id or name, folder or cached Hub id)')
    .option('--provider <name>', 'execution provider for the round-trip encoder and the cross-encoder: auto, cpu, webgpu, cuda, dml, coreml (default auto)')
    .option('--apply-rule <rule>', 'a saved or built-in rule name, or an expression such as "reject copyRatio > 0.8" (repeatable, applied in order)', (v: string, all: string[]) => [...all, v], [])
    .option('--preview', 'only report what the rules would change')
    .option('--split <share>', 'hold out this share of passages (with their queries) as the eval set', share)
    .option('--seed <n>', 'seed of the eval split (default 42)', int('--seed'), 42)
    .option('--undo', 'undo the last curation action')
    .option('--list-rules', 'list saved and built-in rules')
    .action(async (opts: CurateOptions, cmd: Command) => {
      const argv = commandArgv(cmd);
      // The split flags against the API's schema before the project is opened.
      if (opts.split !== undefined) parseFlags(curationContract.makeSplit.input, { share: opts.split, seed: opts.seed }, { flags: { share: '--split', seed: '--seed' }, argv });
      if (opts.provider !== undefined) parseFlags(signalsParamsSchema.pick({ provider: true }), { provider: opts.provider }, { flags: SIGNAL_FLAGS, argv });
      const p = await ctx.openProject(opts.project);
      const report: Record<string, unknown> = {};
      if (opts.listRules) report.availableRules = listRules(p.db).map((r) => ({ name: r.name, builtin: r.builtin, rule: describeRule(r.rule) }));
      if (opts.signals || opts.roundtrip !== undefined || opts.crossEncoder !== undefined) {
        const signalParams = parseFlags(signalsParamsSchema, {
          lexical: opts.signals ?? false,
          roundtrip: typeof opts.roundtrip === 'string' ? (await projectModel(p, opts.roundtrip, ctx, 'encoder')).id : Boolean(opts.roundtrip),
          roundtripK: opts.roundtripK,
          crossEncoderId: opts.crossEncoder === undefined ? undefined : (await projectModel(p, opts.crossEncoder, ctx, 'cross-encoder')).id,
          nearDupThreshold: opts.nearDupThreshold,
          provider: opts.provider,
        }, { flags: SIGNAL_FLAGS, argv });
        const controller = new AbortController();
        const onSigint = () => controller.abort();
        process.once('SIGINT', onSigint);
        let last = 0;
        try {
          report.signals = await computeSignals(p.db, p.dir, signalParams, {
            signal: controller.signal,
            progress: (u) => {
              if (Date.now() - last < 1000 && u.done !== u.total) return;
              last = Date.now();
              ctx.err(`${u.message ?? 'signals'} ${u.done}/${u.total} ${u.unit ?? ''}`);
            },
            log: (level, message) => ctx.err(`${level}: ${message}`),
          });
        } finally {
          process.off('SIGINT', onSigint);
        }
      }
      if (opts.split !== undefined) report.split = makeSplit(p.db, opts.split, opts.seed);
      if (opts.applyRule.length) report.rules = opts.applyRule.map((text) => {
        const { rule, name } = resolveRule(p.db, text);
        const described = { rule: name ?? text, means: describeRule(rule) };
        return opts.preview ? { ...described, ...previewRule(p.db, rule) } : { ...described, ...applyRule(p.db, rule, name ?? text.trim()) };
      });
      if (opts.undo) report.undone = undo(p.db);
      report.counts = countQueries(p.db, { conditions: [], match: 'all' });
      ctx.out(JSON.stringify(report, null, 2));
    });
}
