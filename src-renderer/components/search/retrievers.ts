// The retriever slots of the Search page: up to three of BM25 and the indexed model versions,
// encoded for <select> values, with sensible first picks (base, tuned, BM25).
import type { IndexInfo, ProjectModel, RetrieverId } from '../../../shared/api.js';

export const MAX_COLUMNS = 3;

export const retrieverValue = (id: RetrieverId | null) => (id === null ? '' : String(id));
export function parseRetrieverValue(value: string): RetrieverId | null {
  if (value === 'bm25') return 'bm25';
  const n = Number(value);
  return value !== '' && Number.isInteger(n) && n > 0 ? n : null;
}

/** Default columns: a base model, the newest tuned version, BM25 (else more bases); at most three. */
export function defaultRetrievers(indexes: IndexInfo[], models: ProjectModel[]): Array<RetrieverId | null> {
  const indexed = indexes.filter((i) => i.exists).map((i) => i.modelId);
  const isTuned = (id: number) => models.find((m) => m.id === id)?.parentId != null;
  const bases = indexed.filter((id) => !isTuned(id));
  const tuned = indexed.filter(isTuned).sort((a, b) => b - a); // newest fine-tune first
  const ordered = [...bases.slice(0, 1), ...tuned, ...bases.slice(1)];
  const picks: Array<RetrieverId | null> = [...ordered.slice(0, MAX_COLUMNS - 1), 'bm25'];
  while (picks.length < MAX_COLUMNS) picks.push(null);
  return picks;
}

/** Keeps the user's picks that still exist (an index may have been removed with its model). */
export function keepValid(picks: Array<RetrieverId | null>, indexes: IndexInfo[]): Array<RetrieverId | null> {
  const indexed = new Set(indexes.filter((i) => i.exists).map((i) => i.modelId));
  return picks.map((p) => (p === null || p === 'bm25' || indexed.has(p) ? p : null));
}
