// The curation stage's job kind 'curation.signals', registered by the composition root
// (src-main/core/services.ts): compute and store every quality signal of the project's queries.
import type { z } from 'zod';
import { signalsParamsSchema, type SignalsParams } from '../../../shared/services/curation.js';
import type { JobKindDef } from '../jobs/types.js';

export const CURATION_SIGNALS_KIND = 'curation.signals';

export const curationSignalsKind: JobKindDef<SignalsParams> = {
  kind: CURATION_SIGNALS_KIND,
  label: 'Compute quality signals',
  title: (p) => {
    const parts = [p.lexical ? 'lexical' : null, p.roundtrip !== false ? 'round trip' : null, p.crossEncoderId !== undefined ? 'relevance' : null].filter(Boolean);
    return `Quality signals (${parts.join(', ') || 'none'})`;
  },
  heavy: true,
  params: signalsParamsSchema as z.ZodType<SignalsParams>,
  handlerModule: new URL('./signals-job.js', import.meta.url).href,
};

export const curationJobKinds: JobKindDef[] = [curationSignalsKind as JobKindDef];
