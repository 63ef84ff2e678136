// genq eval --project DIR --model VERSION... [--beir DIR [--split test]] [--no-record]
// MRR@10, nDCG@10, Recall@1/10/100 and MAP@100 (pytrec_eval/BEIR definitions) for each
// retriever on the project's held-out queries or a BEIR folder, plus HNSW recall@10 against
// exact search for model versions. JSON on stdout; recorded as 'eval' runs unless --no-record.
import type { Command } from 'commander';
import { runEvaluation } from '../../core/eval/run-eval.js';
import { evalRunParamsSchema } from '../../../shared/services/search.js';
import type { CliContext } from '../context.js';
import { commandArgv, parseFlags } from '../flags.js';
import { retrieverSpecFor } from '../model-ref.js';

interface EvalOptions {
  project: string;
  model: string[];
  beir?: string;
  split: string;
  /** Execution provider for the model retrievers (checked by the eval schema). */
  provider?: string;
  record: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('eval')
    .description('evaluate retrievers (model versions, bm25) on held-out queries or a BEIR folder; metrics JSON on stdout')
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--model <versions...>', 'model ids or names, folders or cached Hub ids (registered on the fly), and/or bm25')
    .option('--beir <dir>', 'BEIR folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) instead of the held-out split')
    .option('--split <name>', 'BEIR qrels split', 'test')
    .option('--provider <name>', 'execution provider for the model retrievers: auto, cpu, webgpu, cuda, dml, coreml (default auto)')
    .option('--no-record', 'do not store the results as eval runs in the project')
    .action(async (opts: EvalOptions, cmd: Command) => {
      const checked = parseFlags(
        evalRunParamsSchema.pick({ beirDir: true, split: true, provider: true }),
        { beirDir: opts.beir, split: opts.split, provider: opts.provider },
        { flags: { beirDir: '--beir', split: '--split', provider: '--provider' }, argv: commandArgv(cmd) },
      );
      const p = await ctx.openProject(opts.project);
      const retrievers = [];
      for (const ref of opts.model) retrievers.push(await retrieverSpecFor(p, ref, ctx)); // one at a time: each may register a model
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const report = await runEvaluation({
          projectDir: p.dir,
          db: p.db,
          retrievers,
          beirDir: opts.beir,
          split: opts.split,
          provider: checked.provider,
          record: opts.record,
          signal: controller.signal,
          log: (message) => ctx.err(`eval: ${message}`),
        });
        ctx.out(JSON.stringify(report, null, 2));
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
