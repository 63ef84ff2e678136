// The whole GenQ pipeline through the CLI on the tiny reference models: import → generate →
// curate → train → register → index → search → eval → export. Each stage has its own tests;
// this one checks that what one stage writes is what the next one reads. The stages run the CLI in
// this process (in-process.ts), except generate, which runs its job in a spawned CLI (its worker
// threads start from the compiled dist there, from source through tsx here).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, repoRoot } from '../../helpers/run-cli.js';
import { useTempDirs } from '../../helpers/temp-dir.js';
import { cliRun } from './in-process.js';

const tempDir = useTempDirs();
const fixture = (name: string) => join(repoRoot, 'test', 'fixtures', name);

describe('genq pipeline (tiny models)', () => {
  it('goes from text files to a tuned, indexed and evaluated model', { timeout: 240_000 }, async () => {
    const root = tempDir();
    const env = { GENQ_USER_DATA: join(root, 'ud'), GENQ_CACHE: join(root, 'cache') };
    const project = join(root, 'p');
    const cli = async (args: string[]) => {
      const r = await (args[0] === 'generate' ? runCli : cliRun)(args, env);
      if (r.code !== 0) throw new Error(`genq ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    };
    const json = async (args: string[]) => JSON.parse(await cli(args));

    await cli(['project', 'create', project]);
    // Two short chapters (~16 passages): enough for every stage, a train/eval split and 3 steps of batch 8.
    const chapters = ['chapter_001.txt', 'chapter_002.txt'].map((c) => join(repoRoot, 'assets', 'sample', 'moby-dick', c));
    const imported = await json(['import', '--project', project, ...chapters]);
    expect(imported.files.map((f: { status: string }) => f.status)).toEqual(['imported', 'imported']);

    await cli(['generate', '--project', project, '--model', fixture('tiny-t5'), '--num-queries', '2', '--max-length', '12', '--seed', '7']);
    let info = await json(['project', 'info', project]);
    expect(info.passages).toBeGreaterThan(10);
    // Sampling may produce exact duplicates for a passage; those are removed, never more than 2.
    expect(info.queries.total).toBeGreaterThan(info.passages);
    expect(info.queries.total).toBeLessThanOrEqual(2 * info.passages);

    const curated = await json(['curate', '--project', project, '--signals', '--split', '0.2', '--apply-rule', 'accept words > 0']);
    expect(curated.split.evalPassages).toBeGreaterThan(0);
    info = await json(['project', 'info', project]);
    expect(info.queries.byStatus.accepted).toBe(info.queries.total);

    const tuned = join(project, 'models', 'tuned');
    const steps = (await cli(['train', '--project', project, '--model', fixture('tiny-bert'), '--output', tuned, '--batch-size', '8', '--steps', '3', '--seed', '1']))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(steps.map((s: { step: number }) => s.step)).toEqual([0, 1, 2]);
    expect(existsSync(join(tuned, 'model.safetensors'))).toBe(true);
    expect(JSON.parse(readFileSync(join(tuned, 'modules.json'), 'utf8')).length).toBeGreaterThanOrEqual(2);

    await json(['models', 'add', '--project', project, '--name', 'base', fixture('tiny-bert')]);
    await json(['models', 'add', '--project', project, '--name', 'tuned', tuned]);
    const models = await json(['models', 'project', '--project', project]);
    expect(models.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual(
      expect.arrayContaining([
        ['base', 'encoder'],
        ['tuned', 'encoder'],
      ]),
    );

    for (const m of ['base', 'tuned']) expect((await json(['index', '--project', project, '--model', m])).passages).toBe(info.passages);
    const hits = await json(['search', '--project', project, '--model', 'tuned', '--k', '3', 'a whaling voyage']);
    expect(hits.results).toHaveLength(3);

    const evaluated = await json(['eval', '--project', project, '--model', 'base', '--model', 'tuned', '--model', 'bm25']);
    expect(evaluated.results).toHaveLength(3);
    for (const r of evaluated.results) {
      expect(r.evaluatedQueries).toBeGreaterThan(0);
      expect(r.metrics['mrr@10']).toBeGreaterThanOrEqual(0);
      expect(r.metrics['mrr@10']).toBeLessThanOrEqual(1);
    }

    const tsv = join(root, 'pairs.tsv');
    await cli(['export', '--project', project, '--format', 'tsv', '--out', tsv]);
    const lines = readFileSync(tsv, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.split('\t')).toHaveLength(2);
  });
});
