// `genq curate --list-rules` shows the built-in presets and saved rules, and changes nothing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject } from '../../../../src-main/core/project/store.js';
import { runCli } from '../../../helpers/run-cli.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tempDir = useTempDirs('genq-cli-rules-');

describe('genq curate --list-rules', () => {
  it('lists the built-in rules with what they mean', async () => {
    const dir = join(tempDir(), 'p');
    createProject(dir, { appVersion: 'test' }).close();
    const r = await runCli(['curate', '--project', dir, '--list-rules']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.availableRules).toEqual(
      expect.arrayContaining([
        { name: 'reject-copies', builtin: true, rule: 'reject copyRatio > 0.8' },
        expect.objectContaining({ name: 'accept-pending', builtin: true }),
      ]),
    );
    expect(out.rules).toBeUndefined();
    expect(out.counts).toEqual({ total: 0, pending: 0, accepted: 0, rejected: 0 });
  });
});
