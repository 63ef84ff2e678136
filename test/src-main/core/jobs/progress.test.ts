import { describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../../../src-main/core/jobs/progress.js';

describe('ProgressTracker', () => {
  it('computes rate over the recent window and the ETA from it', () => {
    let t = 0;
    const p = new ProgressTracker(null, 10_000, () => t);
    expect(p.update({ done: 0, total: 100, unit: 'passages' })).toMatchObject({ rate: null, etaSeconds: null, unit: 'passages' });
    t = 1_000;
    expect(p.update({ done: 10 })).toMatchObject({ done: 10, total: 100, rate: 10, etaSeconds: 9 });
    // The job speeds up: after the window slides past the slow start, the rate follows.
    for (let s = 2; s <= 30; s++) {
      t = s * 1_000;
      p.update({ done: 10 + (s - 1) * 2 });
    }
    const last = p.progress;
    expect(last.rate).toBeCloseTo(2, 5);
    expect(last.etaSeconds).toBeCloseTo((100 - last.done) / 2, 5);
  });

  it('keeps unknown totals without an ETA, and restarts the window when done goes back', () => {
    let t = 0;
    const p = new ProgressTracker(null, 10_000, () => t);
    p.update({ done: 0, unit: 'bytes' });
    t = 2_000;
    expect(p.update({ done: 100 })).toMatchObject({ total: null, rate: 50, etaSeconds: null });
    t = 3_000;
    expect(p.update({ done: 5, total: 10, message: 'phase 2' })).toMatchObject({ rate: null, message: 'phase 2' });
    t = 4_000;
    expect(p.update({ done: 10 })).toMatchObject({ rate: 5, etaSeconds: 0, message: 'phase 2' });
  });
});
