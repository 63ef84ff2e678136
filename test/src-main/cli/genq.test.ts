// The executable's own behaviour runs in spawned children: --help (commander prints it), a failing
// command's exit code and stderr, a commander refusal, serve's lifetime, bin/genq.js without dist.
// What is about a command's logic runs the same runCli in this process (in-process.ts).
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { runCli, spawnCli, repoRoot } from '../../helpers/run-cli.js';
import { useTempDirs } from '../../helpers/temp-dir.js';
import { LATEST_SCHEMA_VERSION } from '../../../src-main/core/project/migrations.js';
import { cliRun } from './in-process.js';

const tempDir = useTempDirs();

describe('genq CLI', () => {
  it('--help lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: genq/);
    for (const cmd of ['project', 'serve', 'jobs']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    const sub = await runCli(['project', '--help']);
    expect(sub.stdout).toMatch(/create \[options\] <dir>/);
    expect(sub.stdout).toMatch(/info <dir>/);
  });

  it('creates a project and prints its info; a second create fails with one line', async () => {
    const root = tempDir();
    const env = { GENQ_USER_DATA: join(root, 'ud') };
    const dir = join(root, 'whales');
    const r = await cliRun(['project', 'create', dir, '--name', 'Whales'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dir, name: 'Whales', schemaVersion: LATEST_SCHEMA_VERSION });

    const again = await runCli(['project', 'create', dir], env); // the executable: exit code and stderr
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(`genq: ${dir} already contains a GenQ Workbench project (project.sqlite). Open it instead.\n`);
  });

  it('prints the project summary as JSON, and a clear error for a folder that is not a project', async () => {
    const root = tempDir();
    const env = { GENQ_USER_DATA: join(root, 'ud') };
    const dir = join(root, 'p');
    expect((await cliRun(['project', 'create', dir], env)).code).toBe(0);
    const info = await cliRun(['project', 'info', dir], env);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toEqual({
      project: expect.objectContaining({ dir, name: 'p' }),
      documents: 0,
      passages: 0,
      queries: { total: 0, byStatus: {} },
      models: 0,
      jobs: {},
    });
    const bad = await cliRun(['project', 'info', root], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toEqual([`genq: ${root} is not a GenQ Workbench project (no project.sqlite found). Create a project there first.`]);
    const debug = await cliRun(['project', 'info', root], { ...env, GENQ_DEBUG: '1' });
    expect(debug.stderr).toMatch(/NotAProjectError: .*\n\s+at /);
  });

  it('runs, lists and resumes jobs with progress on stderr', async () => {
    const root = tempDir();
    const env = { GENQ_USER_DATA: join(root, 'ud'), GENQ_TEST_JOBS: '1' };
    const dir = join(root, 'p');
    expect((await cliRun(['project', 'create', dir], env)).code).toBe(0);
    // The jobs run in spawned CLIs: their worker threads start from dist there, from source (tsx) here.
    const failed = await runCli(['jobs', 'start', '--project', dir, 'test.count', '--params', '{"steps":6,"delayMs":150,"failAt":4}'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/\[job 1\] \d\/6 steps/);
    expect(failed.stderr.trim().split('\n').at(-1)).toBe('genq: job 1 ended failed: Error: test.count failed on purpose at step 4');

    const list = await cliRun(['jobs', 'list', '--project', dir], env);
    expect(list.code).toBe(0);
    const jobs = JSON.parse(list.stdout) as Array<{ id: number; state: string; resumable: boolean }>;
    expect(jobs).toEqual([expect.objectContaining({ id: 1, state: 'failed', resumable: true })]);

    // The same params fail again at step 4, but from the checkpoint: no steps are repeated.
    const resumed = await runCli(['jobs', 'resume', '--project', dir, '1'], env);
    expect(resumed.code).toBe(1);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ id: 1, state: 'failed' });

    const ok = await runCli(['jobs', 'start', '--project', dir, 'test.count', '--params', '{"steps":3}'], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ id: 2, state: 'done', result: { counted: 3 } });

    const unknown = await cliRun(['jobs', 'resume', '--project', dir, '99'], env);
    expect(unknown.stderr).toBe('genq: Job 99 does not exist in this project.\n');
    // commander refuses the argument itself and exits the process: a spawned CLI.
    const badId = await runCli(['jobs', 'resume', '--project', dir, 'x'], env);
    expect(badId.code).not.toBe(0);
    expect(badId.stderr).toMatch(/job id must be a positive integer/);
  });

  it('serve prints the URL with its token, creates the project and stops cleanly on SIGTERM', async () => {
    const root = tempDir();
    const dir = join(root, 'served');
    const child = spawnCli(['serve', '--project', dir], { GENQ_USER_DATA: join(root, 'ud') });
    const exited = once(child, 'exit');
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const m = /^GenQ Workbench is running at (http:\/\/127\.0\.0\.1:\d+\/\S*token=\S+)$/.exec(line);
      expect(m, line).not.toBeNull();
      const res = await fetch(new URL('/api/call', m![1]), { method: 'POST', body: '{}' });
      expect(res.status).toBeGreaterThanOrEqual(400); // no token: refused, but the server is up
      expect(existsSync(join(dir, 'project.sqlite'))).toBe(true);
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('bin/genq.js tells you to build first when dist is missing', () => {
    const fake = join(tempDir(), 'bin');
    mkdirSync(fake);
    copyFileSync(join(repoRoot, 'bin', 'genq.js'), join(fake, 'genq.js'));
    copyFileSync(join(repoRoot, 'package.json'), join(fake, '..', 'package.json'));
    const r = spawnSync(process.execPath, [join(fake, 'genq.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('genq: run `npm run build` first (dist/src-main/cli/genq.js is missing)\n');
  });
});
