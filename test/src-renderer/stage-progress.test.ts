import { describe, expect, it } from 'vitest';
import { finishedStages } from '../../src-renderer/components/stage-progress.js';

const empty = { passages: 0, queries: { total: 0, byStatus: {} }, roles: [], tunedModels: 0, builtIndexes: 0, evaluations: 0 };

describe('finished pipeline steps', () => {
  it('ticks nothing on a fresh project and each step once its result exists', () => {
    expect([...finishedStages(empty)]).toEqual([]);
    expect([...finishedStages({ ...empty, passages: 3, roles: ['encoder'] })]).toEqual(['corpus']);
    const all = finishedStages({
      passages: 3,
      queries: { total: 6, byStatus: { pending: 5, rejected: 1 } },
      roles: ['generator', 'encoder', 'encoder'],
      tunedModels: 1,
      builtIndexes: 2,
      evaluations: 1,
    });
    expect([...all]).toEqual(['corpus', 'models', 'generate', 'curate', 'train', 'search', 'evaluate']);
    // Generated but untouched queries: curation not done yet.
    expect(finishedStages({ ...empty, queries: { total: 6, byStatus: { pending: 6 } } }).has('curate')).toBe(false);
  });
});
