// The README's "From the command line" list, run as written: the code block is read from README.md
// and each line goes through the genq CLI (in this process), so the README and this test cannot
// drift apart. Only what is outside the repository is swapped: the Hub is a local stand-in serving
// the tiny fixture models under the README's ids (tiny-t5 as the query generator, tiny-bert as the
// encoder), ~/genq/sotu is a temp folder, the corpus is a SOTU excerpt, and relative outputs land
// in the temp folder. Bash splits the lines into words (quotes and comments as a user's shell does).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/cli/program.js';
import { createCliContext } from '../../../src-main/cli/context.js';
import { repoRoot } from '../../helpers/run-cli.js';
import { useTempDirs } from '../../helpers/temp-dir.js';
import { FakeHub } from '../core/models/hub/hub-server.js';

const fixture = (...p: string[]) => join(repoRoot, 'test', 'fixtures', ...p);
const tempDir = useTempDirs('genq-readme-');

/** The genq lines of the README's command-line code block, each split into words by bash. */
export function readmeCommands(readme: string, swap: (line: string) => string): string[][] {
  const section = readme.slice(readme.indexOf('## From the command line'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no ```sh block under "From the command line"');
  return block[1]
    .split('\n')
    .filter((line) => line.startsWith('genq '))
    .map((line) => {
      // "[--beir DIR]" marks an optional flag: the line runs without it.
      const runnable = swap(line).replace(/\s\[[^\]]*\]/g, '');
      const words = spawnSync('bash', ['-c', `printf '%s\\0' ${runnable}`], { encoding: 'utf8' });
      if (words.status !== 0) throw new Error(`bash could not split: ${runnable}\n${words.stderr}`);
      return words.stdout.split('\0').slice(1, -1); // without "genq" and the empty tail
    });
}

describe('README command list', () => {
  const root = tempDir();
  const project = join(root, 'sotu');
  const hub = new FakeHub({
    'BeIR/query-gen-msmarco-t5-base-v1': { dir: fixture('tiny-t5') },
    'microsoft/mpnet-base': { dir: fixture('tiny-bert') },
  });
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    Object.assign(process.env, {
      HF_ENDPOINT: await hub.start(),
      GENQ_CACHE: join(root, 'cache'),
      GENQ_USER_DATA: join(root, 'user-data'),
      HF_TOKEN: '',
      GENQ_OFFLINE: '',
      HF_HUB_OFFLINE: '',
      GENQ_DEBUG: '',
    });
  });
  afterAll(async () => {
    process.env = savedEnv;
    await hub.stop();
  });

  const swap = (line: string) =>
    line
      .replaceAll('~/genq/sotu', project)
      .replace('../corpora/sotu.jsonl', fixture('corpus', 'sotu-excerpt.jsonl'))
      .replace('--out pairs.tsv', `--out ${join(root, 'pairs.tsv')}`);

  /** Runs genq in this process; its exit code, stdout and stderr. */
  async function genq(...args: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(['node', 'genq', ...args], createCliContext({ out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) }));
    return { code, out, err };
  }

  it('runs every line on a fresh project: generate, curate, train, index, search, eval, export', { timeout: 180_000 }, async () => {
    const commands = readmeCommands(readFileSync(join(repoRoot, 'README.md'), 'utf8'), swap);
    expect(commands.map((c) => c.slice(0, c[0] === 'models' || c[0] === 'project' ? 2 : 1).join(' '))).toEqual([
      'project create', 'import', 'models pull', 'models pull', 'generate', 'curate', 'train', 'index', 'index', 'search', 'eval', 'export',
    ]);
    const outputs: Record<string, { out: string; err: string }> = {};
    for (const args of commands) {
      const { code, out, err } = await genq(...args);
      if (code !== 0) throw new Error(`genq ${args.join(' ')} exited ${code}:\n${err}`);
      outputs[args[0] === 'index' ? `index ${args.at(-1)}` : args[0]] = { out, err };
    }

    // Nothing was accepted by hand: training used the pending queries (minus the rejected ones) and said so.
    expect(outputs.train.err).toMatch(/genq train: \d+ pairs on training passages \(0 accepted, \d+ pending\)/);
    expect(outputs.train.err).toMatch(/registered .*models\/tuned in the project as model \d+ "tuned"/);
    // The split made by curate gives training its dev set, evaluated at the end of the epoch.
    expect(outputs.train.err).toMatch(/genq train: dev set after \d+ steps: mrr@10 \d\.\d{4}, recall@10 \d\.\d{4}, ndcg@10 \d\.\d{4}/);
    expect(existsSync(join(project, 'models', 'tuned', 'model.safetensors'))).toBe(true);
    const trained = Number(/(\d+) pairs on training passages/.exec(outputs.train.err)![1]);
    expect(trained).toBeGreaterThan(10);

    const search = JSON.parse(outputs.search.out) as { results: unknown[] };
    expect(search.results).toHaveLength(10);

    const evaluated = JSON.parse(outputs.eval.out) as { dataset: { kind: string; queries: number }; results: Array<{ retriever: string; evaluatedQueries: number }> };
    expect(evaluated.dataset.kind).toBe('held-out');
    expect(evaluated.results.map((r) => r.retriever)).toEqual([expect.stringMatching(/^tuned/), expect.stringMatching(/^mpnet-base/), 'BM25']);
    for (const r of evaluated.results) expect(r.evaluatedQueries).toBe(evaluated.dataset.queries);

    // The export holds every query nobody rejected, on training and held-out passages alike.
    const exported = JSON.parse(outputs.export.out) as { pairs: number; byStatus: { accepted: number; pending: number } };
    expect(exported.byStatus).toEqual({ accepted: 0, pending: exported.pairs });
    expect(exported.pairs).toBeGreaterThanOrEqual(trained + evaluated.dataset.queries);
    const lines = readFileSync(join(root, 'pairs.tsv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(exported.pairs);
    for (const l of lines) expect(l.split('\t')).toHaveLength(2);
  });

  it('takes a model folder where the README takes names, registering it once and saying so; --status accepted', { timeout: 60_000 }, async () => {
    const folder = fixture('tiny-bert');
    const indexed = await genq('index', '--project', project, '--model', folder);
    expect(indexed.code).toBe(0);
    expect(indexed.err).toMatch(new RegExp(`genq: registered ${folder} in the project as model \\d+ "tiny-bert" \\(encoder\\)`));
    const evaluated = await genq('eval', '--project', project, '--model', folder, '--model', 'tiny-bert', '--no-record');
    expect(evaluated.code).toBe(0);
    expect(evaluated.err).not.toMatch(/registered/);
    const report = JSON.parse(evaluated.out) as { results: Array<{ modelId: number }> };
    expect(report.results[0].modelId).toBe(report.results[1].modelId);

    // Nobody accepted anything: restricted to accepted queries, there is nothing to export or train on.
    const exported = await genq('export', '--project', project, '--format', 'jsonl', '--out', join(root, 'accepted.jsonl'), '--status', 'accepted');
    expect(JSON.parse(exported.out)).toMatchObject({ pairs: 0, byStatus: { accepted: 0, pending: 0 } });
    const trained = await genq('train', '--project', project, '--model', 'tiny-bert', '--output', join(root, 'never'), '--status', 'accepted');
    expect(trained.code).toBe(1);
    expect(trained.err).toMatch(/0 pairs on training passages \(accepted only\); MNR needs at least 2/);
  });
});
