// LONG TEST (minutes): the seed's own configuration trains (issue 17). A random BERT-base-sized
// folder (hidden 768, 12 layers, FFN 3072), 48 pairs of ≥192-token texts, `genq train --batch-size 24
// --max-seq-length 192 --steps 2` on the default engine: the memory plan is printed before loading
// (on tfjs-wasm it must be GradCache mini-batches), both losses are finite, and the model is written.
// On a machine without the memory free the plan refuses before loading; the test then checks the
// refusal and says so (ORT CPU needs ~15 GB free here: 2 mini-batches of 12).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE } from '../../../../src-main/core/training/engines.js';
import { BERT_BASE, writeRandomBert } from '../../../../src-main/core/training/random-model.js';
import { runCli } from '../../../helpers/run-cli.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const TINY_BERT = join(import.meta.dirname, '../../../fixtures/tiny-bert');
const tempDir = useTempDirs('genq-base-size-');
const WORDS = 'whale ship captain sea voyage harpoon crew ocean storm island deck sail night morning letter house river city king congress nation budget tax school'.split(' ');

describe('base-size training at the seed settings (long)', () => {
  it('BERT-base, batch 24 × 192 tokens, 2 steps on the default engine: planned, finite losses, model written', async () => {
    const dir = tempDir();
    const model = join(dir, 'bert-base-random');
    writeRandomBert(model, BERT_BASE, TINY_BERT);
    const text = (i: number, n: number) => Array.from({ length: n }, (_, k) => WORDS[(i * 7 + k * 3 + (k >> 4)) % WORDS.length]).join(' ') + ` ${i}`;
    const pairs = Array.from({ length: 48 }, (_, i) => JSON.stringify({ query: `${text(i, 12)} q${i}`, passage: text(i + 100, 260) }));
    writeFileSync(join(dir, 'pairs.jsonl'), pairs.join('\n'));
    const out = join(dir, 'tuned');
    const r = await runCli(['train', '--model', model, '--pairs', join(dir, 'pairs.jsonl'), '--output', out, '--batch-size', '24', '--max-seq-length', '192', '--steps', '2', '--warmup-steps', '0', '--lr', '1e-5']);
    expect(r.stderr, r.stderr).not.toMatch(/Aborted|out of memory/);
    expect(r.code, r.stderr).not.toBeNull(); // not killed (e.g. by the kernel's OOM killer)
    if (/does not fit/.test(r.stderr)) {
      // A machine without the memory (the plan uses what is free now): refused before loading, with the numbers.
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/batch 24 × max_seq_length 192 does not fit: even one text at a time needs an estimated \d+\.\d GB .* allows \d+\.\d GB; lower --max-seq-length/);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
      console.warn(`base-size test: refused on this machine (${r.stderr.match(/does not fit.*/)?.[0]}); the 2 training steps did not run`);
      return;
    }
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/genq train: memory: batch 24 (in one pass|as \d+ mini-batches of \d+): estimated/);
    if (DEFAULT_ENGINE === 'tfjs') expect(r.stderr).toMatch(/mini-batches of/);
    const losses = r.stdout.trim().split('\n').map((l) => JSON.parse(l).loss as number);
    expect(losses).toHaveLength(2);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
  }, 40 * 60_000);
});
