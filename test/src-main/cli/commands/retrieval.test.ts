// `genq index`, `genq search` and `genq eval` on a small project with the tiny BERT fixture as its
// encoder, on held-out queries and on a BEIR folder. The commands run in this process (in-process.ts:
// the same runCli, output lines and exit code as the executable); one refusal runs in a spawned CLI.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject } from '../../../../src-main/core/project/store.js';
import { runCli } from '../../../helpers/run-cli.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { cliRun, useUserData } from '../in-process.js';

const TINY_BERT = join(import.meta.dirname, '../../../fixtures/tiny-bert');
const BEIR = join(import.meta.dirname, '../../../fixtures/beir-sotu-mini');
const tempDir = useTempDirs('genq-cli-retrieval-');
useUserData(() => join(tempDir(), 'user-data'));

const passages = [
  ['The whale surfaced near the ship at dawn.', 'where did the whale surface'],
  ['Congress passed the budget after a long debate.', 'budget debate in congress'],
  ['The railroad reached the western territories.', 'railroad to the west'],
  ['Banks raised interest rates to slow inflation.', 'interest rates and inflation'],
  ['Sailors mended the sails during the storm.', 'sailors in a storm'],
  ['The treaty ended the war between the nations.', 'treaty ending the war'],
];

function makeProject(): string {
  const dir = join(tempDir(), 'project');
  const { db } = createProject(dir, { appVersion: 'test' });
  const doc = Number(db.prepare("INSERT INTO documents (title, text) VALUES ('Notes', 'x')").run().lastInsertRowid);
  passages.forEach(([text, query], i) => {
    // Every other passage is held out, with one generated query each.
    const id = db.prepare('INSERT INTO passages (document_id, ordinal, text, split) VALUES (?, ?, ?, ?)').run(doc, i, text, i % 2 ? 'eval' : 'train').lastInsertRowid;
    db.prepare("INSERT INTO queries (passage_id, text, origin) VALUES (?, ?, 'generated')").run(id, query);
  });
  db.prepare("INSERT INTO models (name, role, path) VALUES ('tiny', 'encoder', ?)").run(TINY_BERT);
  db.close();
  return dir;
}

describe('genq index / search / eval', () => {
  it('builds an index, searches it and BM25, and evaluates both on held-out queries and a BEIR folder', async () => {
    const dir = makeProject();
    const built = await cliRun(['index', '--project', dir, '--model', 'tiny', '--m', '8']);
    expect(built.stderr).not.toMatch(/genq:/);
    expect(built.code).toBe(0);
    expect(JSON.parse(built.stdout)).toMatchObject({ modelId: 1, mode: 'full', passages: 6, embedded: 6 });

    const dense = await cliRun(['search', '--project', dir, '--model', '1', '--k', '3', 'Sailors mended the sails during the storm.']);
    expect(dense.code).toBe(0);
    const denseOut = JSON.parse(dense.stdout);
    expect(denseOut.retriever).toBe('tiny (model 1)');
    expect(denseOut.results).toHaveLength(3);
    expect(denseOut.results[0]).toMatchObject({ rank: 1, passageId: 5, documentTitle: 'Notes', text: 'Sailors mended the sails during the storm.' });
    expect(denseOut.results[0].score).toBeCloseTo(1, 4);

    const bm25 = await cliRun(['search', '--project', dir, '--model', 'bm25', 'inflation']);
    expect(JSON.parse(bm25.stdout).results.map((r: { passageId: number }) => r.passageId)).toEqual([4]);

    const heldOut = await cliRun(['eval', '--project', dir, '--model', 'bm25', 'tiny']);
    expect(heldOut.code).toBe(0);
    const heldOutReport = JSON.parse(heldOut.stdout);
    expect(heldOutReport.dataset).toMatchObject({ kind: 'held-out', queries: 3, corpus: 6 });
    expect(heldOutReport.results.map((r: { retriever: string }) => r.retriever)).toEqual(['BM25', 'tiny (model 1)']);
    expect(heldOutReport.results[0]).toMatchObject({ evaluatedQueries: 3, hnswRecallAt10: null });
    // The held-out queries share words with their passages, so BM25 ranks each first.
    expect(heldOutReport.results[0].metrics['mrr@10']).toBe(1);
    expect(heldOutReport.results[1].hnswRecallAt10).toBe(1);
    expect(heldOutReport.results.every((r: { runId: number }) => r.runId > 0)).toBe(true);

    const beir = await cliRun(['eval', '--project', dir, '--model', 'bm25', '1', '--beir', BEIR, '--no-record']);
    expect(beir.code).toBe(0);
    const beirReport = JSON.parse(beir.stdout);
    expect(beirReport.dataset).toMatchObject({ kind: 'beir', split: 'test', queries: 8, corpus: 35 });
    for (const row of beirReport.results) {
      expect(row.evaluatedQueries).toBe(7);
      expect(row.skippedNoRelevant).toBe(1);
      expect(row.runId).toBeNull();
      for (const value of Object.values(row.metrics) as number[]) expect(value).toBeGreaterThanOrEqual(0);
    }
    expect(beirReport.results[0].metrics['ndcg@10']).toBeGreaterThan(0.5);
  });

  it('explains unknown model versions and missing indexes', async () => {
    const dir = makeProject();
    const unknown = await runCli(['search', '--project', dir, '--model', 'nope', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no model "nope" in this project/);
    const notBuilt = await cliRun(['search', '--project', dir, '--model', 'tiny', 'x']);
    expect(notBuilt.code).toBe(1);
    expect(notBuilt.stderr).toMatch(/no index for model 1 .*build it first/);
  });
});
