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

/** The signals shown as table columns (the rest are in the filter and charts). */
export const TABLE_SIGNALS: SignalName[] = ['words', 'copyRatio', 'nearDup', 'nearDupCorpus', 'dupCorpus', 'degenerate', 'roundtripRank', 'relevance'];

export function formatSignal(name: SignalName, value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (name === 'degenerate') {
    const flags = [value & 1 ? 'rep' : '', value & 2 ? 'no-letters' : '', value & 4 ? 'cut' : ''].filter(Boolean);
    return flags.join(' ') || 'ok';
  }
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
