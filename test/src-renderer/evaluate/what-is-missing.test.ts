import { describe, expect, it } from 'vitest';
import type { IndexInfo, SplitInfo } from '../../../shared/api.js';
import { whatIsMissing } from '../../../src-renderer/components/evaluate/eval-missing.js';

const split = (evalPassages: number, total: number, rejected: number): SplitInfo => ({
  share: evalPassages ? 0.1 : null,
  seed: evalPassages ? 42 : null,
  evalPassages,
  trainPassages: 90,
  evalQueries: { total, accepted: 0, pending: total - rejected, rejected },
});

describe('what stops a held-out evaluation', () => {
  it('names the missing split, the missing queries, the all-rejected queries, and nothing when ready', () => {
    expect(whatIsMissing('held-out', split(0, 0, 0), 1, false, [])).toEqual([expect.stringContaining('No held-out split yet')]);
    expect(whatIsMissing('held-out', split(10, 0, 0), 1, false, [])).toEqual([expect.stringContaining('The 10 held-out passages have no queries')]);
    expect(whatIsMissing('held-out', split(10, 30, 30), 1, false, [])).toEqual([expect.stringContaining('All 30 queries on the held-out passages are rejected')]);
    expect(whatIsMissing('held-out', split(10, 30, 29), 1, false, [])).toEqual([]);
  });

  it('asks for a retriever, pointing to the index build when an encoder has none', () => {
    const unindexed = [{ modelId: 1, exists: false } as IndexInfo];
    expect(whatIsMissing('held-out', split(10, 3, 0), 0, false, unindexed)).toEqual([expect.stringContaining('once its index is built on the Search page')]);
    expect(whatIsMissing('beir', null, 1, true, [])).toEqual([expect.stringContaining('Enter the BEIR folder')]);
  });
});
