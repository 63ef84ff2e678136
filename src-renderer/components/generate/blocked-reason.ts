// Why Generate / Estimate are disabled, in words with what to do ("0 passages in scope" alone is a dead end).
import type { GenerationScope } from '../../../shared/api.js';

export function generateBlockedReason(opts: { hasGenerator: boolean; running: boolean; inScope: number | null; corpusPassages: number | null; scope: GenerationScope }): string | null {
  if (opts.running) return null; // the progress below says what is happening
  if (!opts.hasGenerator) return 'No query generator yet: add a T5 generator folder on the Models page (role "generator").';
  if (opts.inScope !== 0) return null;
  if (opts.corpusPassages === 0) return 'The corpus has no passages: import documents on the Corpus page first.';
  if (opts.scope.kind === 'new') return 'Every passage already has queries. To write more, set Passages to "All passages" (or a filter).';
  if (opts.scope.kind === 'filter') return 'No passage matches this filter (documents, passages or split): widen it.';
  return 'No passage can be used: every passage is marked as a duplicate (duplicates get no queries).';
}
