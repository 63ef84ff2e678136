import { describe, expect, it } from 'vitest';
import type { EmbeddingMapPoint } from '../../../shared/services/search.js';
import { documentColor, legend, pointColor, STATUS_COLORS } from '../../../src-renderer/components/map/colors.js';

const point = (kind: 'passage' | 'query', documentId: number, status: EmbeddingMapPoint['status'] = null): EmbeddingMapPoint => ({
  kind,
  id: 1,
  passageId: 1,
  documentId,
  status,
  x: 0,
  y: 0,
  snippet: '',
});

describe('map colours', () => {
  it('colours by document with distinct, stable hues', () => {
    expect(documentColor(3)).toBe(documentColor(3));
    expect(new Set([1, 2, 3, 4, 5].map(documentColor)).size).toBe(5);
    expect(pointColor(point('query', 2, 'accepted'), 'document')).toBe(documentColor(2));
  });

  it('colours by curation status: passages grey, queries by status', () => {
    expect(pointColor(point('passage', 1), 'status')).toBe(STATUS_COLORS.passage);
    expect(pointColor(point('query', 1, 'rejected'), 'status')).toBe(STATUS_COLORS.rejected);
    expect(pointColor(point('query', 1, null), 'status')).toBe(STATUS_COLORS.pending);
  });

  it('builds legends with counts', () => {
    const pts = [point('passage', 1), point('passage', 2), point('query', 1, 'accepted'), point('query', 1, 'pending'), point('query', 2, 'accepted')];
    expect(legend(pts, 'status').map((e) => [e.label, e.count])).toEqual([
      ['passage', 2],
      ['query: pending', 1],
      ['query: accepted', 2],
    ]);
    expect(legend(pts, 'document', 1).map((e) => [e.label, e.count])).toEqual([
      ['document 1', 3],
      ['1 other documents', 2],
    ]);
    // Documents by their names where known.
    expect(legend(pts, 'document', 2, new Map([[2, 'Loomings']])).map((e) => e.label)).toEqual(['document 1', 'Loomings']);
  });
});
