// Spawns the real CLI: `genq import --project DIR --create PATHS...` prints the import report as
// JSON on stdout; a file that cannot be imported makes the command exit 1 naming the file, after
// the other files were imported and the report was printed.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../../../shared/services/corpus.js';
import { runCli } from '../../../helpers/run-cli.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { fixture } from '../../core/corpus/helpers.js';

const tempDir = useTempDirs('genq-cli-import-');

function countRows(projectDir: string, sql: string): number {
  const db = new Database(join(projectDir, 'project.sqlite'), { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('genq import', () => {
  it('--create makes the project and imports files and folders; the report JSON is on stdout', async () => {
    const root = tempDir();
    const project = join(root, 'whales');
    const r = await runCli(['import', '--project', project, '--create', '--max-tokens', '120', fixture('sotu-excerpt.jsonl'), fixture('moby-dick'), fixture('notes.md')], {
      GENQ_USER_DATA: join(root, 'ud'),
    });
    expect(r.stderr).not.toMatch(/genq:/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ImportReport;
    expect(report.totals).toMatchObject({ imported: report.files.length, failed: 0, skipped: 0 });
    expect(report.files.map((f) => f.path)).toContain(fixture('notes.md'));
    expect(report.files.every((f) => f.status === 'imported' && f.passages > 0)).toBe(true);
    expect(countRows(project, 'SELECT count(*) n FROM passages')).toBe(report.totals.passages);
    expect(countRows(project, 'SELECT max(token_count) n FROM passages')).toBeLessThanOrEqual(120);
    expect(countRows(project, "SELECT count(*) n FROM passages_fts WHERE passages_fts MATCH 'ishmael'")).toBeGreaterThan(0);

    // The same content again is skipped, not an error.
    const again = await runCli(['import', '--project', project, fixture('notes.md')], { GENQ_USER_DATA: join(root, 'ud') });
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as ImportReport).totals).toMatchObject({ skipped: 1, imported: 0 });
  }, 60_000);

  it('a file that cannot be imported: exit 1 with the file named; the good files are in the report and the project', async () => {
    const root = tempDir();
    const project = join(root, 'mixed');
    const binary = join(root, 'data.txt');
    copyFileSync(fixture('binary.txt'), binary);
    const good = join(root, 'good.jsonl');
    writeFileSync(good, '{"text": "The whale surfaced beside the boat, and the crew fell silent."}\n');
    const r = await runCli(['import', '--project', project, '--create', good, binary], { GENQ_USER_DATA: join(root, 'ud') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`genq: 1 file(s) could not be imported; first: ${binary}`);
    const report = JSON.parse(r.stdout) as ImportReport;
    expect(report.files.map((f) => [f.path, f.status])).toEqual([[good, 'imported'], [binary, 'failed']]);
    expect(report.files[1].message).toContain(binary);
    expect(countRows(project, 'SELECT count(*) n FROM passages')).toBe(1);
  }, 60_000);

  it('--on-error abort stops at the bad record and commits nothing of that file', async () => {
    const root = tempDir();
    const project = join(root, 'strict');
    const r = await runCli(['import', '--project', project, '--create', '--on-error', 'abort', fixture('malformed.jsonl')], { GENQ_USER_DATA: join(root, 'ud') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`genq: .*${fixture('malformed.jsonl').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*line \\d+`));
    expect(countRows(project, 'SELECT count(*) n FROM passages')).toBe(0);
  }, 60_000);
});
