// Point colours of the embedding map: by document (a distinct hue per document id, stable across
// rebuilds) or by curation status (passages grey; queries pending / accepted / rejected).
import type { EmbeddingMapPoint } from '../../../shared/services/search.js';

export type ColorMode = 'document' | 'status';

export const STATUS_COLORS = {
  passage: '#8a93a6',
  pending: '#e8a317',
  accepted: '#2b8a3e',
  rejected: '#c92a2a',
} as const;

/** Golden-angle hue steps keep neighbouring ids far apart on the colour wheel. */
export function documentColor(documentId: number): string {
  const hue = Math.round((documentId * 137.508) % 360);
  return `hsl(${hue}, 65%, 48%)`;
}

export function pointColor(p: Pick<EmbeddingMapPoint, 'kind' | 'status' | 'documentId'>, mode: ColorMode): string {
  if (mode === 'document') return documentColor(p.documentId);
  if (p.kind === 'passage') return STATUS_COLORS.passage;
  return STATUS_COLORS[p.status ?? 'pending'];
}

export interface LegendEntry {
  label: string;
  color: string;
  count: number;
}

/** Legend for the points shown: statuses, or the most frequent documents by name (then "other"). */
export function legend(points: readonly EmbeddingMapPoint[], mode: ColorMode, maxDocuments = 8, documentNames: ReadonlyMap<number, string> = new Map()): LegendEntry[] {
  if (mode === 'status') {
    const counts = { passage: 0, pending: 0, accepted: 0, rejected: 0 };
    for (const p of points) counts[p.kind === 'passage' ? 'passage' : (p.status ?? 'pending')]++;
    return (Object.keys(counts) as Array<keyof typeof counts>)
      .filter((k) => counts[k] > 0)
      .map((k) => ({ label: k === 'passage' ? 'passage' : `query: ${k}`, color: STATUS_COLORS[k], count: counts[k] }));
  }
  const byDoc = new Map<number, number>();
  for (const p of points) byDoc.set(p.documentId, (byDoc.get(p.documentId) ?? 0) + 1);
  const sorted = [...byDoc].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const entries = sorted.slice(0, maxDocuments).map(([id, count]) => ({ label: documentNames.get(id) ?? `document ${id}`, color: documentColor(id), count }));
  const rest = sorted.slice(maxDocuments).reduce((n, [, c]) => n + c, 0);
  if (rest > 0) entries.push({ label: `${sorted.length - maxDocuments} other documents`, color: 'transparent', count: rest });
  return entries;
}
