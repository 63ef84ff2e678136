// How signals are shown in the table and the filter controls.
import type { SignalName } from '../../../shared/api.js';

export const SIGNAL_LABELS: Record<SignalName, string> = {
  tokens: 'Tokens',
  words: 'Words',
  overlap: 'Overlap',
  copyRatio: 'Copy',
  dupPassage: 'Dup (passage)',
  dupCorpus: 'Dup (corpus)',
  nearDup: 'Near-dup',
  nearDupCorpus: 'Near-dup (corpus)',
  degenerate: 'Degenerate',
  roundtripRank: 'Round trip',
  relevance: 'Relevance',
};

/** The signals shown as table columns (every signal is in the reading pane, the filter and the charts). */
export const TABLE_SIGNALS: SignalName[] = ['copyRatio', 'nearDupCorpus', 'degenerate', 'roundtripRank', 'relevance'];

/** Column headers: words short enough for a narrow column (no word is broken); the full name is the tooltip. */
export const TABLE_HEADERS: Partial<Record<SignalName, string>> = {
  nearDupCorpus: 'Near-dup corpus',
  degenerate: 'Flags',
  roundtripRank: 'Round trip',
};

export function formatSignal(name: SignalName, value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (name === 'degenerate') {
    const flags = [value & 1 ? 'rep' : '', value & 2 ? 'no-letters' : '', value & 4 ? 'cut' : ''].filter(Boolean);
    return flags.join(' ') || 'ok';
  }
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
