// Clear one-line errors instead of stacks or cut messages (issue 13, item 6).
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, useCliProject } from './in-process.js';

const FIXTURES = path.resolve('test', 'fixtures');
const { tmp, project } = useCliProject('genq-clear-errors-');

/** The command failed with exactly one `genq: …` line and no stack. */
function oneLine(r: { code: number; err: string[] }): string {
  expect(r.code).toBe(1);
  expect(r.err).toHaveLength(1);
  expect(r.err[0]).toMatch(/^genq: /);
  expect(r.err[0]).not.toMatch(/\bat .*:\d+:\d+|Unhandled/);
  return r.err[0];
}

describe('--output problems are reported before any work', () => {
  const missing = () => path.join(tmp, 'no-such-folder', 'out.jsonl');

  it('embed --output into a folder that does not exist', async () => {
    const line = oneLine(await cli(['embed', '--model', path.join(FIXTURES, 'tiny-bert'), '--output', missing()]));
    expect(line).toBe(`genq: --output ${missing()}: the folder ${path.dirname(missing())} does not exist`);
  });

  it('embed --output onto a directory', async () => {
    const dir = path.join(tmp, 'a-dir');
    mkdirSync(dir, { recursive: true });
    expect(oneLine(await cli(['embed', '--model', path.join(FIXTURES, 'tiny-bert'), '--output', dir]))).toBe(`genq: --output ${dir}: is a folder; give a file path`);
  });

  it('generate --output into a folder that does not exist, file and project mode', async () => {
    const fileMode = oneLine(await cli(['generate', '--model', path.join(FIXTURES, 'tiny-t5'), '--output', missing()]));
    expect(fileMode).toContain('does not exist');
    const projectMode = oneLine(await cli(['generate', '--project', project, '--model', path.join(FIXTURES, 'tiny-t5'), '--output', missing()]));
    expect(projectMode).toContain('does not exist');
    // Refused before the job: the generator was not even registered.
    const models = JSON.parse((await cli(['models', 'project', '--project', project])).out.join('\n'));
    expect(models).toEqual([]);
  });
});

describe('out-of-range and misdirected flags', () => {
  it('search --k 1e12 names the flag and its limit', async () => {
    expect(oneLine(await cli(['search', '--project', project, '--model', 'bm25', '--k', '1e12', 'whales']))).toBe('genq: --k: must be an integer ≤ 1000 (got 1e12)');
  });

  it('eval --beir FILE says it is a file, not that it does not exist', async () => {
    const file = path.join(tmp, 'corpus.jsonl');
    writeFileSync(file, '{"_id":"1","text":"x"}\n');
    const line = oneLine(await cli(['eval', '--project', project, '--model', 'bm25', '--beir', file, '--no-record']));
    expect(line).toContain(`${file} is a file, not a BEIR folder`);
  });

  it('project info on a 0-byte project.sqlite names the path and changes nothing', async () => {
    const dir = path.join(tmp, 'zero');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'project.sqlite'), '');
    expect(oneLine(await cli(['project', 'info', dir]))).toContain(`${path.join(dir, 'project.sqlite')} is empty (0 bytes)`);
    expect(readdirSync(dir)).toEqual(['project.sqlite']);
    expect(statSync(path.join(dir, 'project.sqlite')).size).toBe(0);
  });
});
