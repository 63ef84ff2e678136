// The Mine page's form → 'mining.run' params: what is missing is said, numbers are checked, and the
// result passes the shared zod schema the API validates with.
import { describe, expect, it } from 'vitest';
import { miningParamsSchema } from '../../../shared/services/mining.js';
import { DEFAULT_MINE_FORM, mineParams } from '../../../src-renderer/components/mine/MineSetup.js';

describe('mineParams', () => {
  it('says what is missing', () => {
    expect(mineParams({ ...DEFAULT_MINE_FORM, bm25: false })).toMatch(/at least one retriever/);
    expect(mineParams(DEFAULT_MINE_FORM)).toMatch(/Pick a cross-encoder/);
    expect(mineParams({ ...DEFAULT_MINE_FORM, crossEncoderId: 3, k: '0' })).toMatch(/k must be a whole number ≥ 1/);
    expect(mineParams({ ...DEFAULT_MINE_FORM, crossEncoderId: 3, negativesPerQuery: '2.5' })).toMatch(/Negatives per query/);
  });

  it('builds params the API accepts', () => {
    const p = mineParams({ ...DEFAULT_MINE_FORM, encoders: [4, 7], crossEncoderId: 3, k: '20', negativesPerQuery: '5', seed: '0' });
    expect(p).toEqual({ retrievers: [{ kind: 'bm25' }, { kind: 'model', modelId: 4 }, { kind: 'model', modelId: 7 }], crossEncoderId: 3, k: 20, negativesPerQuery: 5, seed: 0 });
    expect(miningParamsSchema.safeParse(p).success).toBe(true);
  });
});
