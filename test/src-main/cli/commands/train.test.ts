// `genq train` on tiny-bert with the reference trajectory's settings must print PyTorch's losses
// and lrs step by step and write a loadable sentence-transformers folder. The CLI runs in this
// process (in-process.ts: the same runCli, output lines and exit code as the executable), except a
// spawned run that is killed with SIGKILL mid-run before it is resumed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadModelFolder, loadWeights } from '../../../../src-main/core/models/folder.js';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { killCliAtOutput } from '../../../helpers/run-cli.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { cliRun, useUserData } from '../in-process.js';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/tiny-bert');
const tempDir = useTempDirs('genq-cli-train-');
useUserData(() => join(tempDir(), 'user-data'));

describe('genq train', () => {
  it('reproduces the reference 12-step run (--dropout 0 --no-shuffle) and exports the tuned folder', async () => {
    const ref = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')).training;
    const dir = tempDir();
    const pairsFile = join(dir, 'pairs.tsv');
    writeFileSync(pairsFile, (ref.pairs as [string, string][]).map(([q, p]) => `${q}\t${p}`).join('\n'));
    const out = join(dir, 'tuned');
    const r = await cliRun(['train', '--model', FIXTURE, '--pairs', pairsFile, '--output', out, '--steps', '12', '--batch-size', '8', '--lr', '1e-3',
      '--warmup-steps', '3', '--weight-decay', '0.01', '--adam-eps', '1e-6', '--max-grad-norm', '1', '--dropout', '0', '--no-shuffle', '--backend', 'wasm']);
    expect(r.stderr).toMatch(/bert on ort cpu, 96 pairs, batch 8/); // the default engine
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number; lr: number });
    expect(lines.map((l) => l.step)).toEqual([...Array(12).keys()]);
    lines.forEach((l, i) => {
      expect(Math.abs(l.loss - ref.losses[i]), `step ${i}`).toBeLessThan(1e-3);
      expect(l.lr).toBeCloseTo(ref.lrs[i], 12);
    });
    const weights = loadWeights(loadModelFolder(out));
    const after = readSafetensors(join(FIXTURE, 'reference_after_training.safetensors'));
    for (const name of after.tensors.keys()) {
      const want = after.float32(name);
      const got = weights.get(name)!.data;
      let diff = 0;
      for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(want[i] - got[i]));
      expect(diff, name).toBeLessThan(1e-4);
    }
  });

  it('explains bad input: both --pairs and --project, or a malformed pairs file', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"query": "a"}\n');
    const r1 = await cliRun(['train', '--model', FIXTURE, '--pairs', bad, '--output', join(dir, 'o')]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/bad\.jsonl:1: expected \{"query", "passage"\}/);
    const r2 = await cliRun(['train', '--model', FIXTURE, '--pairs', bad, '--project', dir, '--output', join(dir, 'o')]);
    expect(r2.stderr).toMatch(/exactly one of --pairs FILE, --triplets FILE or --project DIR/);
  });

  it('--project trains on the accepted pairs of training passages only', async () => {
    const ref = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')).training;
    const dir = join(tempDir(), 'proj');
    expect((await cliRun(['project', 'create', dir])).code).toBe(0);
    const db = new Database(join(dir, 'project.sqlite'));
    const doc = db.prepare("INSERT INTO documents (text) VALUES ('doc')").run().lastInsertRowid;
    const addPassage = db.prepare('INSERT INTO passages (document_id, ordinal, text, split) VALUES (?, ?, ?, ?)');
    const addQuery = db.prepare("INSERT INTO queries (passage_id, text, origin, status) VALUES (?, ?, 'generated', ?)");
    (ref.pairs as [string, string][]).slice(0, 10).forEach(([q, p], i) => {
      const pid = addPassage.run(doc, i, p, i < 8 ? 'train' : 'eval').lastInsertRowid;
      addQuery.run(pid, q, i === 0 ? 'rejected' : 'accepted');
    });
    db.close();
    const r = await cliRun(['train', '--model', FIXTURE, '--project', dir, '--output', join(dir, 'tuned'), '--epochs', '1', '--batch-size', '4', '--dropout', '0', '--backend', 'wasm']);
    expect(r.stderr).toMatch(/7 pairs, batch 4/); // 8 training passages, one query rejected
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).step)).toEqual([0, 1]); // batches of 4 and 3
  });

  it('resumes after kill -9 from the last checkpoint and ends on the reference trajectory', async () => {
    const ref = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')).training;
    const dir = tempDir();
    const pairsFile = join(dir, 'pairs.jsonl');
    writeFileSync(pairsFile, (ref.pairs as [string, string][]).map(([query, passage]) => JSON.stringify({ query, passage })).join('\n'));
    const args = ['train', '--model', FIXTURE, '--pairs', pairsFile, '--output', join(dir, 'tuned'), '--steps', '12', '--batch-size', '8', '--lr', '1e-3',
      '--warmup-steps', '3', '--dropout', '0', '--no-shuffle', '--backend', 'wasm', '--checkpoint-dir', join(dir, 'ck'), '--checkpoint-every', '1'];
    const seen = await killCliAtOutput(args, '"step":4,');
    const first = seen.trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number });
    expect(first.length).toBeLessThan(12); // really killed mid-run
    const r = await cliRun([...args, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    const rest = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number });
    expect(rest[rest.length - 1].step).toBe(11);
    for (const l of [...first, ...rest]) expect(Math.abs(l.loss - ref.losses[l.step]), `step ${l.step}`).toBeLessThan(1e-3);
    const weights = loadWeights(loadModelFolder(join(dir, 'tuned')));
    const after = readSafetensors(join(FIXTURE, 'reference_after_training.safetensors'));
    const want = after.float32('encoder.layer.1.output.dense.weight');
    const got = weights.get('encoder.layer.1.output.dense.weight')!.data;
    for (let i = 0; i < want.length; i++) expect(Math.abs(want[i] - got[i])).toBeLessThan(1e-4);
  });

  it('--loss margin-mse --triplets FILE prints the PyTorch MarginMSE trajectory; --project without a mining run says what to do', async () => {
    const mm = JSON.parse(readFileSync(join(FIXTURE, '../margin-mse/reference.json'), 'utf8')).training;
    const dir = tempDir();
    const file = join(dir, 'triplets.jsonl');
    writeFileSync(file, (mm.triplets as object[]).map((t) => JSON.stringify(t)).join('\n'));
    const r = await cliRun(['train', '--model', FIXTURE, '--loss', 'margin-mse', '--triplets', file, '--output', join(dir, 'tuned'), '--steps', '12', '--batch-size', '8',
      '--lr', '1e-3', '--warmup-steps', '3', '--dropout', '0', '--no-shuffle', '--backend', 'wasm']);
    expect(r.stderr).toMatch(/96 triplets, batch 8, max_seq_length 128, loss margin-mse/);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number; lr: number });
    lines.forEach((l, i) => expect(Math.abs(l.loss - mm.losses[i]), `step ${i}`).toBeLessThan(1e-3));
    expect(lines).toHaveLength(12);
    const proj = join(dir, 'proj');
    expect((await cliRun(['project', 'create', proj])).code).toBe(0);
    const np = await cliRun(['train', '--model', FIXTURE, '--loss', 'margin-mse', '--project', proj, '--output', join(dir, 'o2')]);
    expect(np.code).not.toBe(0);
    expect(np.stderr).toMatch(/no finished mining run; mine hard negatives first/);
    const wrong = await cliRun(['train', '--model', FIXTURE, '--loss', 'margin-mse', '--pairs', file, '--output', join(dir, 'o3')]);
    expect(wrong.stderr).toMatch(/give --triplets FILE/);
  });
});
