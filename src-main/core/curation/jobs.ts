// The curation stage's job kind 'curation.signals', registered by the composition root
// (src-main/core/services.ts): compute and store every quality signal of the project's queries.
import type { z } from 'zod';
import { signalsParamsSchema, type SignalsParams } from '../../../shared/services/curation.js';
import type { JobKindDef } from '../jobs/types.js';
import { modelName } from '../models/model-names.js';

export const CURATION_SIGNALS_KIND = 'curation.signals';

export const curationSignalsKind: JobKindDef<SignalsParams> = {
  kind: CURATION_SIGNALS_KIND,
  label: 'Compute quality signals',
  title: (p, db) => {
    const roundtrip = p.roundtrip === false ? null : p.roundtrip === true ? 'round trip' : `round trip with ${modelName(db, p.roundtrip)}`;
    const relevance = p.crossEncoderId !== undefined ? `relevance with ${modelName(db, p.crossEncoderId)}` : null;
    const parts = [p.lexical ? 'lexical' : null, roundtrip, relevance].filter(Boolean);
    return `Quality signals (${parts.join(', ') || 'none'})`;
  },
  heavy: true,
  params: signalsParamsSchema as z.ZodType<SignalsParams>,
  handlerModule: new URL('./signals-job.js', import.meta.url).href,
};

export const curationJobKinds: JobKindDef[] = [curationSignalsKind as JobKindDef];
