// What the user types into "Hub model id": OWNER/NAME or OWNER/NAME@REVISION, checked with the
// same schema the main process validates models.pull with, so the form never sends an id the
// API would reject and its message is the one the API would give.
import { modelsPullParamsSchema, type ModelRole } from '../../../../shared/services/models.js';

export type HubRefCheck = { ok: true; repo: string; revision: string } | { ok: false; message: string };

export function parseHubRef(text: string): HubRefCheck {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, message: 'Enter a Hub model id, e.g. sentence-transformers/all-MiniLM-L6-v2' };
  const at = trimmed.indexOf('@');
  const repo = (at < 0 ? trimmed : trimmed.slice(0, at)).trim();
  const revision = at < 0 ? 'main' : trimmed.slice(at + 1).trim();
  if (at >= 0 && !revision) return { ok: false, message: `"${trimmed}": nothing after @ (a branch, tag or commit id goes there)` };
  if (!repo.includes('/')) return { ok: false, message: `"${repo}": a Hub model id looks like OWNER/NAME` };
  const parsed = modelsPullParamsSchema.safeParse({ repo, revision });
  if (!parsed.success) return { ok: false, message: `"${trimmed}": ${parsed.error.issues[0].message}` };
  return { ok: true, repo: parsed.data.repo, revision: parsed.data.revision };
}

/** "owner/name" or "owner/name@rev" (main is implied): the name a downloaded model gets in the project. */
export function hubRefLabel(repo: string, revision: string): string {
  return revision === 'main' ? repo : `${repo}@${revision}`;
}

export const HUB_ROLES: ReadonlyArray<{ role: ModelRole; label: string; hint: string }> = [
  { role: 'generator', label: 'Query generator', hint: 'T5 that writes queries for passages' },
  { role: 'encoder', label: 'Encoder', hint: 'bi-encoder to embed and fine-tune' },
  { role: 'cross-encoder', label: 'Cross-encoder', hint: 're-ranker that scores (query, passage) pairs' },
];

export function roleLabel(role: ModelRole): string {
  return HUB_ROLES.find((r) => r.role === role)?.label ?? role;
}
