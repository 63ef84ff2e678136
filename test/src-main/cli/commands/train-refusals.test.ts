// `genq train` refuses what it cannot do (issue 13 item 5): no in-batch negatives (no hang, no
// untrained copy), divergence (nothing written, exit ≠ 0), flags the job schema rejects, outputs
// that would destroy or mix files, a resume with no checkpoint; and checkpoints are written by
// default so a kill loses at most --checkpoint-every steps. The refusals run the CLI in this process
// (in-process.ts: the same runCli and exit code as the executable); a spawned CLI is refused while
// this process holds its --output, and one is killed mid-run and resumed.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireFolderLock } from '../../../../src-main/core/project/locks.js';
import { killCliAtOutput, runCli } from '../../../helpers/run-cli.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { cliRun, useUserData } from '../in-process.js';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/tiny-bert');
const tempDir = useTempDirs('genq-cli-train-refuse-');
useUserData(() => join(tempDir(), 'user-data'));
const ref = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')).training;

function pairsFile(dir: string, pairs: [string, string][] = ref.pairs.slice(0, 16)): string {
  const f = join(dir, 'pairs.tsv');
  writeFileSync(f, pairs.map(([q, p]) => `${q}\t${p}`).join('\n'));
  return f;
}

const base = (dir: string, extra: string[] = []) => ['train', '--model', FIXTURE, '--pairs', pairsFile(dir), '--output', join(dir, 'out'), '--backend', 'wasm', '--dropout', '0', ...extra];

describe('genq train refuses', () => {
  it('batch size 1, and pairs that all share one passage, with a clear message (no hang, no untrained copy)', async () => {
    const dir = tempDir();
    const r1 = await cliRun([...base(dir), '--batch-size', '1', '--steps', '3']);
    expect(r1.code).not.toBe(0);
    expect(r1.stderr).toMatch(/--batch-size: must be an integer ≥ 2 \(got 1\)/);
    const onePassage = pairsFile(dir, Array.from({ length: 6 }, (_, i) => [`question ${i}`, 'the one passage'] as [string, string]));
    for (const steps of [['--steps', '3'], []]) {
      const r = await cliRun(['train', '--model', FIXTURE, '--pairs', onePassage, '--output', join(dir, 'out'), '--backend', 'wasm', ...steps]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/no in-batch negatives/);
      expect(existsSync(join(dir, 'out'))).toBe(false);
    }
  });

  it('a second run into the same --output while one holds it: refused naming the holder; the folder is left alone', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const held = acquireFolderLock(out, 'genq train --output (the first run)');
    try {
      const r = await runCli([...base(dir), '--steps', '1', '--batch-size', '8']); // another process
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(new RegExp(`the first run\\) is already running in process ${process.pid}`));
      expect(existsSync(out)).toBe(false);
    } finally {
      held.release();
    }
    // Released: the next run gets in.
    const again = await cliRun([...base(dir), '--steps', '1', '--batch-size', '8']);
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
  });

  it('--lr 1e308: a divergence error, exit ≠ 0, and no model written', async () => {
    const dir = tempDir();
    const r = await cliRun([...base(dir), '--lr', '1e308', '--steps', '2', '--batch-size', '8', '--warmup-steps', '0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/diverged/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('--dropout 2 and --warmup-ratio 5 through the job API schema, one line each', async () => {
    const dir = tempDir();
    const r = await cliRun([...base(dir), '--dropout', '2', '--warmup-ratio', '5']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--dropout: must be a number ≤ 0\.9 \(got 2\)/);
    expect(r.stderr).toMatch(/--warmup-ratio: must be a number ≤ 1 \(got 5\)/);
    expect(r.stdout).toBe('');
  });

  it('--output equal to --model, a non-empty --output without --overwrite, an existing file — all before training', async () => {
    const dir = tempDir();
    const same = await cliRun(['train', '--model', FIXTURE, '--pairs', pairsFile(dir), '--output', FIXTURE]);
    expect(same.code).not.toBe(0);
    expect(same.stderr).toMatch(/base model's folder/);
    const full = join(dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'x');
    const r2 = await cliRun(['train', '--model', FIXTURE, '--pairs', pairsFile(dir), '--output', full]);
    expect(r2.stderr).toMatch(/is not empty; give --overwrite/);
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'x');
    const r3 = await cliRun(['train', '--model', FIXTURE, '--pairs', pairsFile(dir), '--output', file]);
    expect(r3.stderr).toMatch(/is an existing file/);
    for (const r of [r2, r3]) expect([r.code !== 0, r.stdout]).toEqual([true, '']);
    const ok = await cliRun(['train', '--model', FIXTURE, '--pairs', pairsFile(dir), '--output', full, '--overwrite', '--steps', '1', '--batch-size', '4', '--backend', 'wasm']);
    expect(ok.code).toBe(0);
    expect(readdirSync(full)).not.toContain('keep.txt');
    expect(existsSync(join(full, 'model.safetensors'))).toBe(true);
  });

  it('--resume with a missing or empty checkpoint folder', async () => {
    const dir = tempDir();
    const r1 = await cliRun([...base(dir), '--resume', '--checkpoint-dir', join(dir, 'nope')]);
    expect(r1.stderr).toMatch(/no complete checkpoint in .*nope \(the folder does not exist\)/);
    mkdirSync(join(dir, 'empty'));
    const r2 = await cliRun([...base(dir), '--resume', '--checkpoint-dir', join(dir, 'empty')]);
    expect(r2.stderr).toMatch(/no complete checkpoint in .*empty;/);
    for (const r of [r1, r2]) expect([r.code !== 0, r.stdout]).toEqual([true, '']);
  });
});

describe('genq train checkpoints by default', () => {
  it('writes <output>.checkpoints while running, resumes from it, and removes it once the model is written', async () => {
    const dir = tempDir();
    const args = [...base(dir), '--steps', '4', '--batch-size', '4', '--checkpoint-every', '1'];
    await killCliAtOutput(args, '"step":1,');
    const ck = join(dir, 'out.checkpoints');
    expect(readdirSync(ck).some((n) => /^step-000000[12]$/.test(n))).toBe(true);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const r = await cliRun([...args, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    const steps = r.stdout.trim().split('\n').map((l) => JSON.parse(l).step as number);
    expect(steps[0]).toBeGreaterThan(0); // continued, not restarted
    expect(steps[steps.length - 1]).toBe(3);
    expect(existsSync(join(dir, 'out', 'model.safetensors'))).toBe(true);
    expect(existsSync(ck)).toBe(false);
  });
});
