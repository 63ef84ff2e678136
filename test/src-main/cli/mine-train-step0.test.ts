// GPL end to end through the CLI, checked at step 0: triplets mined on the tiny models are exported
// (genq export --format triplets), trained on with `genq train --loss margin-mse --dropout 0` and a vanishing lr (the CLI refuses
// --lr 0; step 0 is computed before any update anyway),
// and the first loss printed must equal mean_i((q_i·p_i − q_i·n_i) − margin_i)² computed in
// float64 here from `genq embed` outputs for the same texts (MarginMSE with the raw dot product).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MiningReport } from '../../../shared/services/mining.js';
import { exportTriplets } from '../../../src-main/core/mining/export-triplets.js';
import { runCli } from '../../helpers/run-cli.js';
import { servicesOnNewProject } from '../../helpers/services.js';
import { useTempDirs } from '../../helpers/temp-dir.js';
import { buildMiningProject, TINY_BERT } from '../core/mining/mining-fixture.js';

const tempDir = useTempDirs('genq-cli-step0-');

interface Triplet {
  query: string;
  positive: string;
  negative: string;
  margin: number;
}

describe('genq train --loss margin-mse on mined triplets, step 0', () => {
  it('prints the MarginMSE of the genq embed vectors and the mined margins', async () => {
    const root = tempDir();
    const s = await servicesOnNewProject(root);
    let all: Triplet[];
    try {
      const db = s.projects.require().project.db;
      const f = await buildMiningProject(s, db, { passages: 20, queriesPerPassage: 1 });
      const job = await s.impl.mining.start({ retrievers: [{ kind: 'bm25' }, { kind: 'model', modelId: f.encoderId }], crossEncoderId: f.crossEncoderId, k: 10, negativesPerQuery: 2, seed: 3, batchSize: 16, queriesPerBatch: 64 });
      const end = await s.finished(job.id);
      expect(end.state, JSON.stringify(end.error)).toBe('done');
      expect((end.result as MiningReport).triplets).toBeGreaterThan(6);
      const file = join(root, 'mined.jsonl');
      exportTriplets(db, file);
      all = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Triplet);
    } finally {
      await s.dispose();
    }
    // Four triplets sharing no text, so one batch of 4 holds them all whatever order the trainer picks.
    const picked: Triplet[] = [];
    const used = new Set<string>();
    for (const t of all) {
      if ([t.query, t.positive, t.negative].some((x) => used.has(x))) continue;
      picked.push(t);
      [t.query, t.positive, t.negative].forEach((x) => used.add(x));
      if (picked.length === 4) break;
    }
    expect(picked).toHaveLength(4);
    expect(new Set(picked.map((t) => t.margin)).size).toBeGreaterThan(1);
    const tripletsFile = join(root, 'triplets.jsonl');
    writeFileSync(tripletsFile, picked.map((t) => JSON.stringify(t)).join('\n') + '\n');

    const trained = await runCli(['train', '--model', TINY_BERT, '--triplets', tripletsFile, '--loss', 'margin-mse', '--output', join(root, 'tuned'), '--lr', '1e-30', '--dropout', '0', '--batch-size', '4', '--steps', '1', '--no-shuffle']);
    expect(trained.code, trained.stderr).toBe(0);
    const first = JSON.parse(trained.stdout.trim().split('\n')[0]) as { step: number; loss: number };
    expect(first.step).toBe(0);

    const texts = picked.flatMap((t) => [t.query, t.positive, t.negative]);
    const textsFile = join(root, 'texts.txt');
    writeFileSync(textsFile, texts.join('\n') + '\n');
    const embedded = await runCli(['embed', '--model', TINY_BERT, '--input', textsFile]);
    expect(embedded.code, embedded.stderr).toBe(0);
    const vectors = embedded.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { embedding: number[] }).embedding);
    expect(vectors).toHaveLength(12);
    const dot = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i], 0);
    const expected =
      picked.reduce((sum, t, i) => {
        const [q, p, n] = vectors.slice(3 * i, 3 * i + 3);
        return sum + (dot(q, p) - dot(q, n) - t.margin) ** 2;
      }, 0) / picked.length;
    expect(Math.abs(first.loss - expected)).toBeLessThan(1e-4 * Math.max(1, expected));
  }, 180_000);
});
