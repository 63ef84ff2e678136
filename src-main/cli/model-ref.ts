// --model for project commands (index, search, eval, curate, generate, train): a project model's
// id or name, a model folder, or a cached Hub id. A folder or Hub id is registered in the project
// on the fly, and the command says so on stderr.
import type { ModelRole } from '../../shared/services/models.js';
import type { RetrieverSpec } from '../core/eval/run-eval.js';
import { ensureProjectModel, type ProjectModelRow } from '../core/models/model-ref.js';
import type { CliContext, CliProject } from './context.js';

export async function projectModel(p: CliProject, ref: string, ctx: CliContext, role?: ModelRole): Promise<ProjectModelRow> {
  return ensureProjectModel(p.db, (input) => p.services.impl.models.add(input), ref, {
    role,
    onRegistered: (m) => ctx.err(`genq: registered ${ref} in the project as model ${m.id} "${m.name}" (${m.role})`),
  });
}

/** "bm25", or a model ref as projectModel takes it. */
export async function retrieverSpecFor(p: CliProject, ref: string, ctx: CliContext): Promise<RetrieverSpec> {
  if (ref.toLowerCase() === 'bm25') return { kind: 'bm25' };
  return { kind: 'model', modelId: (await projectModel(p, ref, ctx, 'encoder')).id };
}
