// Spawns the real CLI: `genq embed` and `genq models info` on the reference fixtures.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, maxAbsDiff, reference, tempDir } from '../../core/models/fixtures.js';
import { genqNodeArgs } from '../../../helpers/genq-entry.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const tmp = tempDir('cli-embed');
afterAll(() => tmp.remove());
const cache = join(tmp.path, 'cache');

function genq(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [...genqNodeArgs(), ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('genq embed', () => {
  it('reads texts from stdin and writes JSONL embeddings equal to sentence-transformers (1e-4)', () => {
    const ref = reference('tiny-mpnet');
    const r = genq(['embed', '--model', join(FIXTURES, 'tiny-mpnet'), '--batch-size', '3', '--threads', '1', '--cache-dir', cache], `${ref.sentences.join('\n')}\n`);
    expect(r.stderr).toMatch(/mpnet \(built graph\) on cpu, pooling mean/);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; embedding: number[] });
    expect(rows.map((row) => row.text)).toEqual(ref.sentences);
    rows.forEach((row, i) => expect(maxAbsDiff(row.embedding, ref.embeddings[i])).toBeLessThan(1e-4));
  });

  it('reads --input FILE, skips blank lines and writes --output FILE', () => {
    const ref = reference('tiny-bert');
    const input = join(tmp.path, 'in.txt');
    const output = join(tmp.path, 'out.jsonl');
    writeFileSync(input, `${ref.sentences[0]}\n\n${ref.sentences[2]}\r\n`);
    const r = genq(['embed', '--model', join(FIXTURES, 'tiny-bert'), '--input', input, '--output', output, '--cache-dir', cache]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const rows = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; embedding: number[] });
    expect(rows.map((row) => row.text)).toEqual([ref.sentences[0], ref.sentences[2]]);
    expect(maxAbsDiff(rows[1].embedding, ref.embeddings[2])).toBeLessThan(1e-4);
  });

  it('fails with a message naming the missing file', () => {
    const r = genq(['embed', '--model', join(tmp.path, 'empty-model-dir-that-does-not-exist')], 'x\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/genq: .*empty-model-dir-that-does-not-exist: model folder does not exist/);
  });
});

describe('genq models info', () => {
  it('prints the facts as JSON', () => {
    const r = genq(['models', 'info', join(FIXTURES, 'tiny-bert'), '--cache-dir', cache, '--threads', '1']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({
      architecture: 'bert',
      hiddenSize: 64,
      layers: 2,
      heads: 4,
      vocabSize: 4096,
      maxSeqLength: 128,
      pooling: 'mean',
      normalize: false,
      provider: 'cpu',
      shippedOnnx: true,
      isSentenceTransformers: true,
    });
    // word 4096·64 + position 128·64 + type 2·64 + LN, 2 layers of (4·(64·64+64) + 2·(64·128) + 128 + 64 + 4·64)
    expect(info.parameters).toBe(4096 * 64 + 128 * 64 + 2 * 64 + 128 + 2 * (4 * (64 * 64 + 64) + 64 * 128 * 2 + 128 + 64 + 4 * 64));
    expect(info.sizeOnDisk).toBeGreaterThan(1_000_000);
  });
});
