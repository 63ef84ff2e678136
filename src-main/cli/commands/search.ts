// genq search --project DIR --model VERSION|bm25 [--k 10] "query"
// Top-k passages of the project for a query, as JSON: passage id, score, document and text.
import type { Command } from 'commander';
import type { Retriever } from '../../core/eval/evaluate.js';
import { projectBm25Retriever, projectDenseRetriever } from '../../core/eval/retrievers.js';
import { searchContract } from '../../../shared/services/search.js';
import type { CliContext } from '../context.js';
import { commandArgv, parseFlags } from '../flags.js';
import { positiveInt } from './embed.js';
import { retrieverSpecFor } from '../model-ref.js';

interface SearchOptions {
  project: string;
  model: string;
  k: number;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('search')
    .description("search the project's passages with a model version's index (or bm25); results JSON on stdout")
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--model <version>', 'model id or name whose index to use (or a folder / cached Hub id, registered on the fly), or bm25')
    .option('--k <n>', 'number of results', positiveInt('--k'), 10)
    .argument('<query>', 'query text')
    .action(async (query: string, opts: SearchOptions, cmd: Command) => {
      // The API's own limits (k ≤ 1000, query ≤ 4000 characters) before anything is opened.
      parseFlags(searchContract.query.input.pick({ query: true, k: true }), { query, k: opts.k }, { flags: { k: '--k', query: '<query>' }, argv: commandArgv(cmd) });
      const p = await ctx.openProject(opts.project);
      const spec = await retrieverSpecFor(p, opts.model, ctx);
      const dense = spec.kind === 'model' ? await projectDenseRetriever(p.dir, p.db, spec.modelId) : null;
      try {
        const retriever: Retriever = dense ?? projectBm25Retriever(p.db);
        const started = performance.now();
        const hits = await retriever.search(query, opts.k);
        const milliseconds = performance.now() - started;
        const passage = p.db.prepare(
          'SELECT p.id, p.document_id, p.title, p.text, d.title AS document_title, d.source_path FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id = ?',
        );
        const results = hits.map((hit, i) => {
          const row = passage.get(Number(hit.id)) as
            | { id: number; document_id: number; title: string | null; text: string; document_title: string | null; source_path: string | null }
            | undefined;
          return {
            rank: i + 1,
            passageId: Number(hit.id),
            score: hit.score,
            documentId: row?.document_id ?? null,
            documentTitle: row?.document_title ?? null,
            sourcePath: row?.source_path ?? null,
            title: row?.title ?? null,
            text: row?.text ?? null,
          };
        });
        ctx.out(JSON.stringify({ query, retriever: retriever.name, k: opts.k, milliseconds: Number(milliseconds.toFixed(2)), results }, null, 2));
      } finally {
        await dense?.release();
      }
    });
}
