// What `genq train` trains on, and what it does with the result, from --model, --pairs/--project
// and --status: the base model folder (a project model, a folder or a cached Hub id), the pairs
// with the model's query/passage prefixes applied, a summary of how many of each status went in,
// and (with --project) registering the tuned folder in the project.
import { basename, resolve } from 'node:path';
import { loadModelFolder } from '../core/models/folder.js';
import { freeModelName, resolveModelFolder } from '../core/models/model-ref.js';
import { folderPrefixes, prefixDevSet, prefixPairs, projectModelPrefixes, type ModelPrefixes } from '../core/models/prefixes.js';
import type { Pair } from '../core/training/batches.js';
import { readPairsFile } from '../core/training/pairs-file.js';
import { countTrainingPairsByStatus, devSet, trainingPairs, type DevSet, type PairStatuses } from '../core/training/project-pairs.js';
import type { CliContext, CliProject } from './context.js';
import { projectModel } from './model-ref.js';

export interface TrainInputs {
  /** The base model's folder. */
  modelDir: string;
  /** Training pairs, prefixes applied. */
  pairs: Pair[];
  /** The prefixes applied (also written into the exported folder). */
  prefixes: ModelPrefixes;
  /** "120 pairs on training passages (100 accepted, 20 pending)" or "120 pairs from FILE", with the prefixes used. */
  summary: string;
  /** With --project: registers the tuned folder as a project model (child of the base). */
  register(outDir: string): Promise<void>;
  /** With --project and a held-out split that has queries: the dev set (prefixed) evaluated at each epoch end; else null. */
  dev: DevSet | null;
}

/** Dev queries evaluated at most (an evenly spaced sample beyond), as the Train page's default. */
const DEV_MAX_QUERIES = 1000;

const describePrefixes = (p: ModelPrefixes) =>
  p.query || p.passage ? `, query prefix ${JSON.stringify(p.query)}, passage prefix ${JSON.stringify(p.passage)}` : '';

export async function trainInputs(opts: { model: string; pairs?: string; project?: string; status?: PairStatuses }, ctx: CliContext): Promise<TrainInputs> {
  if (!opts.project) {
    const { dir } = resolveModelFolder(opts.model);
    const prefixes = folderPrefixes(loadModelFolder(dir));
    const pairs = prefixPairs(readPairsFile(opts.pairs!), prefixes);
    return { modelDir: dir, pairs, prefixes, summary: `${pairs.length} pairs from ${opts.pairs}${describePrefixes(prefixes)}`, register: async () => {}, dev: null };
  }
  const p = await ctx.openProject(opts.project);
  const base = await projectModel(p, opts.model, ctx, 'encoder');
  const statuses = opts.status ?? 'not-rejected';
  const prefixes = projectModelPrefixes(p.db, base.id);
  const pairs = prefixPairs(trainingPairs(p.db, statuses), prefixes);
  const n = countTrainingPairsByStatus(p.db, statuses);
  const dev = devSet(p.db, DEV_MAX_QUERIES);
  const which = statuses === 'accepted' ? 'accepted only' : `${n.accepted} accepted, ${n.pending} pending`;
  return {
    modelDir: base.path,
    pairs,
    prefixes,
    summary: `${pairs.length} pairs on training passages (${which})${describePrefixes(prefixes)}`,
    register: (outDir) => registerTuned(p, base.id, outDir, ctx),
    dev: dev.queries.length > 0 ? prefixDevSet(dev, prefixes) : null,
  };
}

async function registerTuned(p: CliProject, parentId: number, outDir: string, ctx: CliContext): Promise<void> {
  const dir = resolve(outDir);
  const existing = p.db.prepare('SELECT id FROM models WHERE path = ?').get(dir) as { id: number } | undefined;
  // models.add refreshes the facts of a folder registered before (a retrain into the same folder).
  const model = await p.services.impl.models.add({ dir, role: 'encoder', ...(existing ? {} : { name: freeModelName(p.db, basename(dir)) }) });
  p.db.prepare("UPDATE models SET parent_id = ?, source = 'genq train' WHERE id = ?").run(parentId, model.id);
  ctx.err(`genq train: registered ${dir} in the project as model ${model.id} "${model.name}"`);
}
