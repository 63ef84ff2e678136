// Wording and edit logic for an encoder's query/passage prefixes on the Models page. Prefixes are
// kept verbatim: E5's "query: " needs its trailing space, so nothing here trims.
import type { ModelPrefixes, ProjectModel } from '../../../shared/api.js';

export type PrefixSide = keyof ModelPrefixes;

/** Examples shown as placeholders (E5 wants both sides; BGE an instruction before queries only). */
export const PREFIX_EXAMPLES: Record<PrefixSide, string> = {
  query: 'none · E5: "query: " · BGE: "Represent this sentence for searching relevant passages: "',
  passage: 'none · E5: "passage: " · BGE: none',
};

/** A prefix as shown on screen: quoted so a trailing space is visible; "none" when empty. */
export function showPrefix(text: string): string {
  return text ? JSON.stringify(text) : 'none';
}

/** Where the model's prefixes come from, in words. */
export function prefixSource(model: Pick<ProjectModel, 'prefixes' | 'prefixesFrom'>): string {
  if (model.prefixesFrom === 'project') return 'set in this project';
  const p = model.prefixes;
  if (!p || (!p.query && !p.passage)) return 'none (the folder has no prompts)';
  return 'from the folder’s prompts (config_sentence_transformers.json)';
}

/** The models.setPrefixes sides that differ from the current prefixes (nothing to save: null). */
export function prefixChanges(current: ModelPrefixes, draft: ModelPrefixes): Partial<ModelPrefixes> | null {
  const changes: Partial<ModelPrefixes> = {};
  if (draft.query !== current.query) changes.query = draft.query;
  if (draft.passage !== current.passage) changes.passage = draft.passage;
  return Object.keys(changes).length > 0 ? changes : null;
}

/** A hint for a prefix that probably lacks its separator ("query:" glued to the text). */
export function prefixHint(text: string): string | null {
  if (/[:：]$/.test(text)) return `ends with "${text.slice(-1)}" and no space: the text will be glued to it (E5 expects "query: " with a space)`;
  return null;
}

/** The on-screen confirmation after a save or reset. */
export function prefixesSavedNotice(model: Pick<ProjectModel, 'name' | 'prefixes' | 'prefixesFrom'>): string {
  const p = model.prefixes ?? { query: '', passage: '' };
  const what = model.prefixesFrom === 'project' ? 'Saved' : 'Reset to the folder’s prompts';
  return `✓ ${what} for ${model.name}: query prefix ${showPrefix(p.query)}, passage prefix ${showPrefix(p.passage)}. Its search index (if built) is now stale: rebuild it on the Search page.`;
}
