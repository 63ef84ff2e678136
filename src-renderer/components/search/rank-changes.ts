// Rank changes of one retriever's hits against a reference column (the leftmost retriever), so
// side-by-side columns show at a glance what fine-tuning moved: ↑3 (moved up three places),
// ↓2, "new" (not in the reference's top k) or = (same place).

export type RankChange = { kind: 'same' } | { kind: 'up'; by: number } | { kind: 'down'; by: number } | { kind: 'new' };

interface RankedHit {
  passageId: number;
  rank: number;
}

/** passageId → change, for every hit of `hits`; empty when there is no reference column. */
export function rankChanges(hits: readonly RankedHit[], reference: readonly RankedHit[] | null): Map<number, RankChange> {
  const out = new Map<number, RankChange>();
  if (!reference) return out;
  const referenceRank = new Map(reference.map((h) => [h.passageId, h.rank]));
  for (const hit of hits) {
    const before = referenceRank.get(hit.passageId);
    if (before === undefined) out.set(hit.passageId, { kind: 'new' });
    else if (before === hit.rank) out.set(hit.passageId, { kind: 'same' });
    // A smaller rank number is a better place: moving from 5 to 2 is "up 3".
    else if (hit.rank < before) out.set(hit.passageId, { kind: 'up', by: before - hit.rank });
    else out.set(hit.passageId, { kind: 'down', by: hit.rank - before });
  }
  return out;
}

export function formatRankChange(change: RankChange): string {
  switch (change.kind) {
    case 'same':
      return '=';
    case 'new':
      return 'new';
    case 'up':
      return `↑${change.by}`;
    case 'down':
      return `↓${change.by}`;
  }
}

export function describeRankChange(change: RankChange, referenceName: string): string {
  switch (change.kind) {
    case 'same':
      return `same rank as in ${referenceName}`;
    case 'new':
      return `not in ${referenceName}'s results`;
    case 'up':
      return `${change.by} place${change.by === 1 ? '' : 's'} higher than in ${referenceName}`;
    case 'down':
      return `${change.by} place${change.by === 1 ? '' : 's'} lower than in ${referenceName}`;
  }
}
