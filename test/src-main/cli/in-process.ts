// Runs the genq CLI in this process (no tsx child start-up): exit code and output lines; and a
// project for a test file's CLI calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { createCliContext } from '../../../src-main/cli/context.js';
import { runCli } from '../../../src-main/cli/program.js';

export async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['node', 'genq', ...args], createCliContext({ out: (l) => out.push(l), err: (l) => err.push(l) }));
  return { code, out, err };
}

/**
 * A temp folder holding a project created with `genq project create` (before the file's tests) and
 * the user data (GENQ_USER_DATA, restored after them); both removed after the file's tests.
 */
export function useCliProject(prefix: string): { tmp: string; project: string } {
  const tmp = mkdtempSync(path.join(tmpdir(), prefix));
  const project = path.join(tmp, 'project');
  const savedUserData = process.env.GENQ_USER_DATA;
  beforeAll(async () => {
    process.env.GENQ_USER_DATA = path.join(tmp, 'user-data');
    expect((await cli(['project', 'create', project])).code).toBe(0);
  });
  afterAll(() => {
    if (savedUserData === undefined) delete process.env.GENQ_USER_DATA;
    else process.env.GENQ_USER_DATA = savedUserData;
    rmSync(tmp, { recursive: true, force: true });
  });
  return { tmp, project };
}
