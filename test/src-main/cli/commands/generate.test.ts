// `genq generate` on the tiny-t5 fixture (greedy texts equal transformers'), file input/output,
// seeded sampling reproducible across batch sizes, and usage errors. Spawned CLIs read stdin and run
// the --project job (its worker threads start from dist there); the rest runs in this process
// (in-process.ts: the same runCli, output lines and exit code as the executable).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, tempDir } from '../../core/models/fixtures.js';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { insertPassages } from '../../core/generation/project-fixture.js';
import { genqNodeArgs } from '../../../helpers/genq-entry.js';
import { cliRun } from '../in-process.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const tmp = tempDir('cli-generate');
afterAll(() => tmp.remove());
const cache = join(tmp.path, 'cache');
const model = join(FIXTURES, 'tiny-t5');
const ref = JSON.parse(readFileSync(join(model, 'reference.json'), 'utf8')) as { passages: string[]; greedy: { texts: string[] } };

function genq(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [...genqNodeArgs(), 'generate', '--model', model, '--threads', '1', '--cache-dir', cache, ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** `genq generate` in this process; it reads --input FILE (given here), never this process's stdin. */
const generate = (args: string[]) => cliRun(['generate', '--model', model, '--threads', '1', '--cache-dir', cache, ...args]);
const rowsOf = (jsonl: string) => jsonl.trim().split('\n').map((l) => JSON.parse(l) as { passage: string; queries: string[] });

describe('genq generate', () => {
  it('--greedy writes the queries transformers generates, in input order, from stdin', () => {
    const r = genq(['--greedy', '--max-new-tokens', '12', '--max-input-tokens', '128', '--batch-size', '3'], `${ref.passages.join('\n')}\n`);
    expect(r.stderr).toMatch(/t5 on cpu, greedy, max 12 new tokens/);
    expect(r.code).toBe(0);
    const rows = rowsOf(r.stdout);
    expect(rows.map((row) => row.passage)).toEqual(ref.passages);
    expect(rows.map((row) => row.queries)).toEqual(ref.greedy.texts.map((t) => [t]));
  });

  it('reads --input FILE, skips blank lines, writes --output FILE; sampling is reproducible across batch sizes', async () => {
    const input = join(tmp.path, 'in.txt');
    writeFileSync(input, `${ref.passages[0]}\n\n${ref.passages[1]}\r\n${ref.passages[2]}\n`);
    const sample = async (batch: string) => {
      const output = join(tmp.path, `out-${batch}.jsonl`);
      const r = await generate(['--num-queries', '3', '--top-p', '0.9', '--top-k', '50', '--seed', '7', '--max-new-tokens', '6', '--batch-size', batch, '--input', input, '--output', output]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      return rowsOf(readFileSync(output, 'utf8'));
    };
    const one = await sample('1');
    expect(one.map((row) => row.passage)).toEqual(ref.passages.slice(0, 3));
    one.forEach((row) => expect(row.queries).toHaveLength(3));
    expect(await sample('3')).toEqual(one);
  });

  it('rejects --greedy combined with sampling flags, and a non-T5 folder', async () => {
    const input = join(tmp.path, 'one.txt');
    writeFileSync(input, 'text\n');
    const mixed = await generate(['--greedy', '--top-p', '0.9', '--input', input]);
    expect(mixed.code).not.toBe(0);
    expect(mixed.stderr).toMatch(/--greedy cannot be combined with sampling options \(--top-p\)/);
    const bert = await cliRun(['generate', '--model', join(FIXTURES, 'tiny-bert'), '--greedy', '--cache-dir', cache, '--input', input]);
    expect(bert.code).not.toBe(0);
    expect(bert.stderr).toMatch(/model_type "bert" is not a T5 query generator/);
  });

  it('--format tsv writes query<TAB>passage lines; JSONL input reads "text"; --num-beams runs beam search', async () => {
    const input = join(tmp.path, 'in.jsonl');
    writeFileSync(input, ref.passages.slice(0, 2).map((text, i) => JSON.stringify({ _id: `d${i}`, text })).join('\n'));
    const output = join(tmp.path, 'out.tsv');
    const r = await generate(['--num-beams', '4', '--num-queries', '2', '--max-length', '6', '--input', input, '--output', output, '--format', 'tsv']);
    expect(r.stderr).toMatch(/beam search \(4 beams, length penalty 1, 2\/passage\)/);
    expect(r.code).toBe(0);
    const lines = readFileSync(output, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    expect(lines.map((l) => l[1])).toEqual([ref.passages[0], ref.passages[0], ref.passages[1], ref.passages[1]]);
    expect(lines[0][0]).not.toBe(lines[1][0]);
    const bad = await generate(['--num-beams', '2', '--num-queries', '3', '--input', input]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--num-queries \(3\) cannot exceed --num-beams \(2\)/);
  });

  it('--project DIR runs a generation job over the passages and exports the run as TSV', async () => {
    const root = join(tmp.path, 'proj');
    const s = await servicesOnNewProject(root);
    insertPassages(s.projects.require().project.db, 5);
    await s.dispose();
    const output = join(tmp.path, 'project.tsv');
    const r = spawnSync(
      process.execPath,
      [...genqNodeArgs(), 'generate', '--project', join(root, 'project'), '--model', model, '--num-queries', '2', '--max-length', '5', '--threads', '1', '--format', 'tsv', '--output', output],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, GENQ_USER_DATA: join(root, 'user-data') } },
    );
    expect(r.stderr).toMatch(/run \d+: 4 passages, \d+ queries/); // the 5th passage is a marked duplicate
    expect(r.status).toBe(0);
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.every((l) => l.split('\t').length === 2)).toBe(true);
  }, 60_000);
});
