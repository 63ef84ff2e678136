import { describe, expect, it } from 'vitest';
import { describeRankChange, formatRankChange, rankChanges } from '../../../src-renderer/components/search/rank-changes.js';

const hits = (...ids: number[]) => ids.map((passageId, i) => ({ passageId, rank: i + 1 }));

describe('rankChanges', () => {
  it('marks moves up, down, same and new against the reference column', () => {
    const reference = hits(10, 20, 30, 40, 50);
    const changes = rankChanges(hits(40, 20, 10, 99), reference);
    expect(changes.get(40)).toEqual({ kind: 'up', by: 3 });
    expect(changes.get(20)).toEqual({ kind: 'same' });
    expect(changes.get(10)).toEqual({ kind: 'down', by: 2 });
    expect(changes.get(99)).toEqual({ kind: 'new' });
    expect(changes.size).toBe(4);
  });

  it('has nothing to say without a reference column', () => {
    expect(rankChanges(hits(1, 2), null).size).toBe(0);
  });

  it('treats every hit as new against an empty reference', () => {
    expect([...rankChanges(hits(1, 2), []).values()]).toEqual([{ kind: 'new' }, { kind: 'new' }]);
  });
});

describe('formatRankChange / describeRankChange', () => {
  it('writes the arrows and the words', () => {
    expect(formatRankChange({ kind: 'up', by: 3 })).toBe('↑3');
    expect(formatRankChange({ kind: 'down', by: 2 })).toBe('↓2');
    expect(formatRankChange({ kind: 'new' })).toBe('new');
    expect(formatRankChange({ kind: 'same' })).toBe('=');
    expect(describeRankChange({ kind: 'up', by: 1 }, 'BM25')).toBe('1 place higher than in BM25');
    expect(describeRankChange({ kind: 'down', by: 4 }, 'base')).toBe('4 places lower than in base');
    expect(describeRankChange({ kind: 'new' }, 'base')).toBe("not in base's results");
  });
});
