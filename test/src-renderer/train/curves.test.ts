import { describe, expect, it } from 'vitest';
import { addPoints, epochEvals, mergeSeries, smooth } from '../../../src-renderer/components/train/curves.js';

const pts = (values: number[], from = 0) => values.map((value, i) => ({ step: from + i, value }));

describe('training curves', () => {
  it('smooths like TensorBoard: debiased EMA, first point unchanged, constant series stays constant', () => {
    expect(smooth(pts([4, 4, 4])).map((p) => p.value)).toEqual([4, 4, 4].map(() => expect.closeTo(4, 12)));
    const s = smooth(pts([1, 3]), 0.5);
    expect(s[0].value).toBeCloseTo(1, 12);
    // (0.25·1 + 0.5·3) / (0.25 + 0.5) = 7/3
    expect(s[1].value).toBeCloseTo(7 / 3, 12);
  });

  it('merges series into rows by step', () => {
    expect(mergeSeries({ a: pts([1, 2]), b: pts([5], 1) })).toEqual([{ step: 0, a: 1 }, { step: 1, a: 2, b: 5 }]);
  });

  it('replaces the redone tail when a resumed run pushes earlier steps again', () => {
    expect(addPoints(pts([1, 2, 3, 4]), pts([9, 8], 2))).toEqual(pts([1, 2, 9, 8]));
    expect(addPoints(pts([1]), pts([2, 3], 1))).toEqual(pts([1, 2, 3]));
  });

  it('lists dev evaluations per epoch (0 = base model)', () => {
    const series = { eval_epoch: [{ step: 0, value: -1 }, { step: 5, value: 0 }], 'mrr@10': [{ step: 0, value: 0.2 }, { step: 5, value: 0.5 }] };
    expect(epochEvals(series, ['mrr@10', 'recall@10'])).toEqual([
      { step: 0, epoch: 0, metrics: { 'mrr@10': 0.2 } },
      { step: 5, epoch: 1, metrics: { 'mrr@10': 0.5 } },
    ]);
  });
});
