// `genq curate` (signals, rule preview/apply by name and expression, split, undo) and `genq export`
// on a project with generated queries inserted directly: the commands run in this process
// (in-process.ts); a refusal by commander itself (it exits the process) runs in a spawned CLI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject } from '../../../../src-main/core/project/store.js';
import { runCli } from '../../../helpers/run-cli.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { seed } from '../../core/curation/helpers.js';
import { cliRun, useUserData } from '../in-process.js';

const tempDir = useTempDirs('genq-cli-curate-');
useUserData(() => join(tempDir(), 'user-data'));

function projectWithQueries(): string {
  const dir = join(tempDir(), 'p');
  const p = createProject(dir, { appVersion: 'test' });
  seed(p.db, [
    { text: 'Call me Ishmael. Some years ago I went to sea.', queries: ['call me ishmael', 'who is the narrator'] },
    { text: 'Captain Ahab hunts the white whale.', queries: ['captain ahab hunts the white whale', 'why does ahab hunt'] },
  ]);
  p.close();
  return dir;
}

describe('genq curate / export', () => {
  it('computes signals, previews and applies rules, undoes, and exports the accepted pairs', async () => {
    const dir = projectWithQueries();
    const runCli = cliRun;
    const preview = await runCli(['curate', '--project', dir, '--signals', '--apply-rule', 'reject-copies', '--preview']);
    expect(preview.code, preview.stderr).toBe(0);
    const p = JSON.parse(preview.stdout);
    expect(p.signals.queries).toBe(4);
    expect(p.rules[0]).toMatchObject({ rule: 'reject-copies', means: 'reject copyRatio > 0.8', changes: 2 });
    expect(p.counts).toEqual({ total: 4, pending: 4, accepted: 0, rejected: 0 });

    const applied = await runCli(['curate', '--project', dir, '--apply-rule', 'copyRatio > 0.8', '--apply-rule', 'accept-pending']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ rules: [{ changed: 2 }, { changed: 2 }], counts: { accepted: 2, rejected: 2 } });

    const undone = await runCli(['curate', '--project', dir, '--undo']);
    expect(JSON.parse(undone.stdout)).toMatchObject({ undone: { label: 'rule accept-pending', rowCount: 2 }, counts: { pending: 2, rejected: 2 } });
    await runCli(['curate', '--project', dir, '--apply-rule', 'accept-pending']);

    const out = join(dir, 'exports', 'pairs.tsv');
    const exported = await runCli(['export', '--project', dir, '--format', 'tsv', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ pairs: 2 });
    expect(readFileSync(out, 'utf8')).toBe('who is the narrator\tCall me Ishmael. Some years ago I went to sea.\nwhy does ahab hunt\tCaptain Ahab hunts the white whale.\n');
  }, 90_000);

  it('fails with a clear message for an unreadable rule or format', async () => {
    const dir = projectWithQueries();
    const bad = await cliRun(['curate', '--project', dir, '--apply-rule', 'reject sparkle > 2']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('unknown signal "sparkle"');
    // A value outside the option's choices is refused by commander itself, which exits the process.
    const fmt = await runCli(['export', '--project', dir, '--format', 'csv', '--out', join(dir, 'x.csv')]);
    expect(fmt.code).not.toBe(0);
    expect(fmt.stderr).toContain('--format must be one of tsv, jsonl, beir');
  }, 60_000);
});
