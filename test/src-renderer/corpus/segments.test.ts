import { describe, expect, it } from 'vitest';
import { passageSegments } from '../../../src-renderer/components/corpus/segments.js';

describe('passageSegments: a document cut at its passages’ offsets', () => {
  it('covers the whole text, with gaps between passages', () => {
    const segs = passageSegments(30, [
      { id: 1, charStart: 0, charEnd: 10 },
      { id: 2, charStart: 12, charEnd: 25 },
    ]);
    expect(segs).toEqual([
      { start: 0, end: 10, passageIds: [1] },
      { start: 10, end: 12, passageIds: [] },
      { start: 12, end: 25, passageIds: [2] },
      { start: 25, end: 30, passageIds: [] },
    ]);
  });

  it('marks overlapping stretches with both passages', () => {
    const segs = passageSegments(20, [
      { id: 7, charStart: 0, charEnd: 12 },
      { id: 8, charStart: 8, charEnd: 20 },
    ]);
    expect(segs).toEqual([
      { start: 0, end: 8, passageIds: [7] },
      { start: 8, end: 12, passageIds: [7, 8] },
      { start: 12, end: 20, passageIds: [8] },
    ]);
  });

  it('ignores passages without offsets and clamps offsets past the end', () => {
    const segs = passageSegments(10, [
      { id: 1, charStart: null, charEnd: null },
      { id: 2, charStart: 5, charEnd: 99 },
    ]);
    expect(segs).toEqual([
      { start: 0, end: 5, passageIds: [] },
      { start: 5, end: 10, passageIds: [2] },
    ]);
  });

  it('stays contiguous for many passages', () => {
    const passages = Array.from({ length: 500 }, (_, i) => ({ id: i + 1, charStart: i * 100, charEnd: i * 100 + 120 }));
    const segs = passageSegments(50_020, passages);
    for (let i = 1; i < segs.length; i++) expect(segs[i].start).toBe(segs[i - 1].end);
    expect(segs[segs.length - 1].end).toBe(50_020);
    expect(segs.every((s) => s.passageIds.length <= 2)).toBe(true);
  });
});
