// Job titles name things as people named them: models by name, imports by file name.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importTitle } from '../../../../src-main/core/corpus/jobs.js';
import { curationSignalsKind } from '../../../../src-main/core/curation/jobs.js';
import { evalRunKind } from '../../../../src-main/core/eval/jobs.js';
import { indexBuildKind, mapBuildKind } from '../../../../src-main/core/index/jobs.js';
import { trainingRunKind } from '../../../../src-main/core/training/jobs.js';
import { evalRunParamsSchema, indexBuildParamsSchema, mapBuildParamsSchema } from '../../../../shared/services/search.js';
import { signalsParamsSchema } from '../../../../shared/services/curation.js';
import { tempProjectDb, type TestDb } from '../../../helpers/project-db.js';

let t: TestDb;
beforeEach(() => {
  t = tempProjectDb('genq-titles-');
  const add = t.db.prepare("INSERT INTO models (id, name, role, path) VALUES (?, ?, ?, '/m')");
  add.run(2, 'tiny-bert', 'encoder');
  add.run(5, 'tiny-cross', 'cross-encoder');
});
afterEach(() => t.close());

describe('job titles', () => {
  it('name models by their names', () => {
    expect(indexBuildKind.title(indexBuildParamsSchema.parse({ modelId: 2 }), t.db)).toBe('Build index for tiny-bert');
    expect(mapBuildKind.title(mapBuildParamsSchema.parse({ modelId: 2 }), t.db)).toBe('Embedding map for tiny-bert');
    expect(evalRunKind.title(evalRunParamsSchema.parse({ retrievers: ['bm25', 2] }), t.db)).toBe('Evaluate BM25 vs tiny-bert on held-out queries');
    expect(curationSignalsKind.title(signalsParamsSchema.parse({ roundtrip: 2, crossEncoderId: 5 }), t.db)).toBe('Quality signals (lexical, round trip with tiny-bert, relevance with tiny-cross)');
    const training = trainingRunKind.title({ modelId: 2, settings: { epochs: 1, batchSize: 8, lr: 0.0001 } } as never, t.db);
    expect(training).toMatch(/^Fine-tune tiny-bert \(/);
    // A model that is gone, or no database: the id.
    expect(indexBuildKind.title(indexBuildParamsSchema.parse({ modelId: 9 }), t.db)).toBe('Build index for model 9');
    expect(indexBuildKind.title(indexBuildParamsSchema.parse({ modelId: 2 }))).toBe('Build index for model 2');
  });

  it('name imports by their files', () => {
    expect(importTitle(['/p/uploads/abc123xyz/chapter_001.txt'])).toBe('Import chapter_001.txt');
    expect(importTitle(['/u/x/a.txt', '/u/x/notes.jsonl'])).toBe('Import a.txt, notes.jsonl');
    expect(importTitle(['a', 'b', 'c', 'd', 'e'])).toBe('Import a, b and 3 more');
  });
});
