// `genq mine` on a project with the tiny encoder and cross-encoder (JSON report; flags checked by
// the shared zod schema) and `genq export --format triplets` (JSONL {"query","positive","negative",
// "margin"}, one line per kept negative, margins as stored). The mining job runs in a spawned CLI
// (its worker threads start from dist there); refusals and exports run in this process
// (in-process.ts: the same runCli, output lines and exit code as the executable).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { servicesOnNewProject } from '../../helpers/services.js';
import { useTempDirs } from '../../helpers/temp-dir.js';
import { buildMiningProject, TINY_BERT } from '../core/mining/mining-fixture.js';
import { cliRun, useUserData } from './in-process.js';

const tempDir = useTempDirs('genq-cli-mine-');
useUserData(() => join(tempDir(), 'user-data'));

describe('genq mine / export --format triplets', () => {
  it('mines, reports, exports triplets; refuses bad flags', async () => {
    const s = await servicesOnNewProject(tempDir());
    const f = await buildMiningProject(s, s.projects.require().project.db, { passages: 20, queriesPerPassage: 2 });
    await s.dispose();
    const dir = s.dir;

    const bad = await cliRun(['mine', '--project', dir, '--retriever', 'bm25', '--cross-encoder', String(f.crossEncoderId), '--negatives-per-query', '0']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--negatives-per-query: Too small/i);
    const badK = await cliRun(['mine', '--project', dir, '--retriever', 'bm25', '--cross-encoder', String(f.crossEncoderId), '--k', 'many']);
    expect(badK.code).not.toBe(0);
    expect(badK.stderr).toMatch(/k: .*number/i);
    const badWorkers = await cliRun(['mine', '--project', dir, '--retriever', 'bm25', '--cross-encoder', String(f.crossEncoderId), '--workers', 'http://localhost:6379']);
    expect(badWorkers.code).not.toBe(0);
    expect(badWorkers.stderr).toMatch(/--workers: must be a redis:\/\//);
    const wrongRole = await cliRun(['mine', '--project', dir, '--retriever', 'bm25', '--cross-encoder', String(f.encoderId)]);
    expect(wrongRole.code).not.toBe(0);
    expect(wrongRole.stderr).toContain('not a cross-encoder');
    const noRun = await cliRun(['export', '--project', dir, '--format', 'triplets', '--out', join(dir, 'none.jsonl')]);
    expect(noRun.code).not.toBe(0);
    expect(noRun.stderr).toContain('no finished mining run');

    // The encoder by folder (already in the project: reused), the cross-encoder by id.
    const mined = await runCli(['mine', '--project', dir, '--retriever', 'bm25', '--retriever', TINY_BERT, '--k', '10', '--cross-encoder', String(f.crossEncoderId), '--negatives-per-query', '3', '--seed', '4', '--threads', '1']);
    expect(mined.code, mined.stderr).toBe(0);
    const report = JSON.parse(mined.stdout);
    expect(report.retrievers).toEqual(['bm25', `tiny-bert (model ${f.encoderId})`]);
    expect(report.queries).toBeGreaterThan(10);
    expect(report.triplets).toBeGreaterThan(report.queries);
    expect(report.triplets).toBeLessThanOrEqual(report.queries * 3);
    expect(report.margins.std).toBeGreaterThan(0);
    expect(report.bm25DenseAgreement).toBeGreaterThanOrEqual(0);
    expect(report.bm25DenseAgreement).toBeLessThanOrEqual(1);

    const out = join(dir, 'exports', 'triplets.jsonl');
    const exported = await cliRun(['export', '--project', dir, '--format', 'triplets', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ path: out, runId: report.runId, triplets: report.triplets });
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(report.triplets);
    const db = new Database(join(dir, 'project.sqlite'), { readonly: true });
    try {
      const stored = db
        .prepare(
          `SELECT q.text AS query, pos.text AS positive, neg.text AS negative, c.margin FROM mining_candidates c JOIN mining_queries m USING (run_id, query_id)
             JOIN queries q ON q.id = c.query_id JOIN passages pos ON pos.id = m.positive_id JOIN passages neg ON neg.id = c.passage_id
            WHERE c.run_id = ? ORDER BY c.query_id, c.passage_id`,
        )
        .all(report.runId);
      expect(lines).toEqual(stored);
    } finally {
      db.close();
    }
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['query', 'positive', 'negative', 'margin']);
      expect(l.negative).not.toBe(l.positive);
    }
    const again = await cliRun(['export', '--project', dir, '--format', 'triplets', '--out', out]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already exists');
  }, 120_000);
});
