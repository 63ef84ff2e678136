// A refused open or create leaves the disk unchanged (issue 13, items 6 and 7): a 0-byte
// project.sqlite is not turned into a project, another application's SQLite file is not switched
// to WAL, "file is not a database" names the path, and a folder under /proc fails at once.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../../../src-main/core/services.js';

let tmp: string;
let services: Services;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'genq-project-check-'));
  services = await createServices({ mode: 'web', userDataDir: path.join(tmp, 'user-data') });
});
afterAll(async () => {
  await services.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

function folderWith(name: string, content: Buffer | string | null): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  if (content !== null) writeFileSync(path.join(dir, 'project.sqlite'), content);
  return dir;
}

describe('opening a folder whose project.sqlite is not a project', () => {
  it('a 0-byte project.sqlite is refused and stays 0 bytes (open and openOrCreate)', async () => {
    const dir = folderWith('empty', '');
    await expect(services.projects.open(dir)).rejects.toThrow(/project\.sqlite is empty \(0 bytes\)/);
    await expect(services.projects.openOrCreate(dir)).rejects.toMatchObject({ name: 'NotAProjectDatabaseError' });
    expect(readFileSync(path.join(dir, 'project.sqlite')).length).toBe(0);
    expect(readdirSync(dir)).toEqual(['project.sqlite']);
    expect(services.projects.current).toBeNull();
  });

  it("another application's SQLite file is refused without switching it to WAL", async () => {
    const dir = folderWith('foreign', null);
    const file = path.join(dir, 'project.sqlite');
    const other = new Database(file);
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'hello\')');
    other.close();
    const before = readFileSync(file);
    expect(before[18]).toBe(1); // file format write version 1 = rollback journal (2 would be WAL)
    await expect(services.projects.open(dir)).rejects.toThrow(/another application/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(readdirSync(dir)).toEqual(['project.sqlite']);
  });

  it('a file that is not a database: the message names its path', async () => {
    const dir = folderWith('text', 'just some notes, not a database\n'.repeat(10));
    await expect(services.projects.open(dir)).rejects.toThrow(`${path.join(dir, 'project.sqlite')} is not an SQLite database`);
  });

  it('a real project still opens', async () => {
    const dir = path.join(tmp, 'real');
    await services.projects.create(dir);
    await services.projects.close();
    await expect(services.projects.open(dir)).resolves.toMatchObject({ dir });
    await services.projects.close();
  });
});

describe('creating a project where no folder can be made', () => {
  it.runIf(existsSync('/proc/self'))('fails at once under /proc instead of hanging', async () => {
    const started = Date.now();
    await expect(services.projects.create(`/proc/genq-test-${process.pid}/project`)).rejects.toMatchObject({ name: 'ProjectFolderError' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a file in the way is named', async () => {
    const file = path.join(tmp, 'a-file');
    writeFileSync(file, 'x');
    await expect(services.projects.create(path.join(file, 'project'))).rejects.toThrow(`${file} exists and is not a folder`);
  });
});
