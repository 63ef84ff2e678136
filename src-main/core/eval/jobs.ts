// The evaluation stage's job kind 'eval.run', registered by the composition root: metrics of
// several retrievers on the held-out queries or a BEIR folder, recorded as eval runs.
import { basename } from 'node:path';
import type { z } from 'zod';
import { evalRunParamsSchema, type EvalRunParams } from '../../../shared/services/search.js';
import type { JobKindDef } from '../jobs/types.js';
import { modelName } from '../models/model-names.js';

export const EVAL_RUN_KIND = 'eval.run';

export const evalRunKind: JobKindDef<EvalRunParams> = {
  kind: EVAL_RUN_KIND,
  label: 'Evaluate retrieval',
  title: (p, db) => `Evaluate ${p.retrievers.map((r) => (r === 'bm25' ? 'BM25' : modelName(db, r))).join(' vs ')} on ${p.beirDir ? basename(p.beirDir) : 'held-out queries'}`,
  heavy: true,
  params: evalRunParamsSchema as z.ZodType<EvalRunParams>,
  handlerModule: new URL('./eval-job.js', import.meta.url).href,
};

export const evalJobKinds: JobKindDef[] = [evalRunKind as JobKindDef];
