import { describe, expect, it } from 'vitest';
import type { IndexInfo, ProjectModel } from '../../../shared/api.js';
import { buildButtonLabel, indexState, parseIndexSettings } from '../../../src-renderer/components/search/index-status.js';
import { defaultRetrievers, keepValid, parseRetrieverValue, retrieverValue } from '../../../src-renderer/components/search/retrievers.js';

const index = (modelId: number, exists: boolean, stale = false, modelChanged = false): IndexInfo => ({
  modelId,
  modelName: `m${modelId}`,
  exists,
  stale,
  modelChanged,
  reasons: [],
  passages: 0,
  params: null,
  builtAt: null,
  updatedAt: null,
});
const model = (id: number, parentId: number | null = null) => ({ id, parentId }) as ProjectModel;

describe('retriever slots', () => {
  it('defaults to a base model, its newest tuned version, then BM25, three at most', () => {
    const models = [model(1), model(2, 1), model(3), model(4, 1)];
    expect(defaultRetrievers([index(2, true), index(1, true), index(3, true), index(4, true)], models)).toEqual([1, 4, 'bm25']);
    expect(defaultRetrievers([index(1, true), index(3, true)], models)).toEqual([1, 3, 'bm25']);
    expect(defaultRetrievers([index(1, false)], models)).toEqual(['bm25', null, null]);
  });

  it('drops picks whose index is gone and round-trips select values', () => {
    expect(keepValid([1, 2, 'bm25'], [index(1, true), index(2, false)])).toEqual([1, null, 'bm25']);
    for (const v of ['bm25', 7, null] as const) expect(parseRetrieverValue(retrieverValue(v))).toBe(v);
    expect(parseRetrieverValue('x')).toBeNull();
  });
});

describe('index status', () => {
  it('names the state and the button', () => {
    expect(indexState(index(1, false))).toBe('missing');
    expect(indexState(index(1, true, true))).toBe('stale');
    expect(indexState(index(1, true))).toBe('ready');
    expect(buildButtonLabel(index(1, false))).toBe('Build index');
    expect(buildButtonLabel(index(1, true, true))).toBe('Update index');
    expect(buildButtonLabel(index(1, true, true, true))).toBe('Rebuild index');
  });

  it('validates the HNSW settings, empty fields meaning the defaults', () => {
    expect(parseIndexSettings({ M: '', efConstruction: '', ef: '' })).toEqual({ M: 16, efConstruction: 200, ef: 100 });
    expect(parseIndexSettings({ M: '32', efConstruction: '400', ef: '64' })).toEqual({ M: 32, efConstruction: 400, ef: 64 });
    expect(parseIndexSettings({ M: '2', efConstruction: '', ef: '' })).toBe('M must be a whole number from 4 to 128');
    expect(parseIndexSettings({ M: '', efConstruction: '', ef: '1.5' })).toBe('ef must be a whole number from 1 to 5000');
  });
});
