// Issue 13 item 2: a big single-file import from the CLI used to hold the write lock for the
// whole file, so another process's writes (a `genq serve` heartbeat, a web call) failed after
// busy_timeout. Now the file commits in short chunks and those writes get through while it runs.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { genqNodeArgs, repoRoot, runCli } from '../../../helpers/run-cli.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tempDir = useTempDirs('genq-lock-hold-');

describe('a long import and another writer', () => {
  test('writes with a 2 s busy_timeout all succeed while one big file is imported', async () => {
    const root = tempDir();
    const project = join(root, 'p');
    expect((await runCli(['project', 'create', project])).code).toBe(0);
    const file = join(root, 'big.jsonl');
    const words = 'whale ship captain sea voyage harpoon crew ocean storm island deck sail'.split(' ');
    writeFileSync(
      file,
      Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ _id: `d${i}`, text: Array.from({ length: 60 }, (_, k) => words[(i + k * 5) % words.length]).join(' ') + ` ${i}.` })).join('\n'),
    );
    const child = spawn(process.execPath, [...genqNodeArgs(), 'import', '--project', project, file], { cwd: repoRoot, stdio: 'ignore' });
    const exited = once(child, 'exit');
    let running = true;
    void exited.then(() => (running = false));
    const db = new Database(join(project, 'project.sqlite'));
    db.pragma('busy_timeout = 2000');
    const probe = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('lock_probe', ?)");
    const documents = db.prepare('SELECT count(*) FROM documents').pluck();
    let writesDuringImport = 0;
    const failures: string[] = [];
    try {
      while (running) {
        const importing = Number(documents.get()) > 0;
        try {
          probe.run(String(Date.now()));
          if (importing) writesDuringImport++;
        } catch (e) {
          failures.push((e as Error).message);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await exited)[0]).toBe(0);
      expect(failures).toEqual([]);
      expect(writesDuringImport).toBeGreaterThan(3); // the file was still being written while these got through
      expect(Number(documents.get())).toBe(40_000);
    } finally {
      db.close();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
