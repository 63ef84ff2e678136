// What an index's state means for the user: missing (never built), stale (model or passages
// changed since), ready. Also what the build button says for each.
import type { IndexInfo } from '../../../shared/services/search.js';

export type IndexState = 'missing' | 'stale' | 'ready';

export function indexState(info: Pick<IndexInfo, 'exists' | 'stale'>): IndexState {
  if (!info.exists) return 'missing';
  return info.stale ? 'stale' : 'ready';
}

/** Missing: build; stale: update in place (the job re-embeds only what changed); ready: rebuild. */
export function buildButtonLabel(info: Pick<IndexInfo, 'exists' | 'stale' | 'modelChanged'>): string {
  const state = indexState(info);
  if (state === 'missing') return 'Build index';
  if (state === 'stale') return info.modelChanged ? 'Rebuild index' : 'Update index';
  return 'Rebuild index';
}

/** A stale index still answers (with old vectors); only a missing one cannot be searched. */
export const searchable = (info: Pick<IndexInfo, 'exists'>) => info.exists;

export const DEFAULT_INDEX_SETTINGS = { M: 16, efConstruction: 200, ef: 100 } as const;
export type IndexSettings = { M: number; efConstruction: number; ef: number };

/** Settings as the form holds them (strings) → validated numbers, or the problem. */
export function parseIndexSettings(form: { M: string; efConstruction: string; ef: string }): IndexSettings | string {
  const limits = { M: [4, 128], efConstruction: [8, 2000], ef: [1, 5000] } as const;
  const out: Partial<IndexSettings> = {};
  for (const key of ['M', 'efConstruction', 'ef'] as const) {
    const raw = form[key].trim();
    const value = raw === '' ? DEFAULT_INDEX_SETTINGS[key] : Number(raw);
    const [min, max] = limits[key];
    if (!Number.isInteger(value) || value < min || value > max) return `${key} must be a whole number from ${min} to ${max}`;
    out[key] = value;
  }
  return out as IndexSettings;
}
