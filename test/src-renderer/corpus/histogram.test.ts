import { describe, expect, it } from 'vitest';
import { fillHistogram } from '../../../src-renderer/components/corpus/CorpusStatsPanel.js';

describe('fillHistogram', () => {
  it('adds the empty buckets between non-empty ones', () => {
    expect(
      fillHistogram([
        { from: 0, to: 25, count: 3 },
        { from: 75, to: 100, count: 1 },
      ]),
    ).toEqual([
      { from: 0, to: 25, count: 3 },
      { from: 25, to: 50, count: 0 },
      { from: 50, to: 75, count: 0 },
      { from: 75, to: 100, count: 1 },
    ]);
  });

  it('leaves buckets that are not aligned to their size as they are', () => {
    const odd = [
      { from: 18, to: 43, count: 1 },
      { from: 221, to: 246, count: 1 },
    ];
    expect(fillHistogram(odd)).toEqual(odd);
  });
});
