// Runs the genq CLI in this process (no child start-up): exit code and output lines; and a
// project for a test file's CLI calls. The exit code is what src-main/cli/genq.ts sets as the
// process's exit code, and the lines are what it writes to stdout/stderr, so a test that is about
// a command's logic, refusal text or exit code can run here; each test file keeps at least one
// spawned child (test/helpers/run-cli.ts) where the process wiring is part of what it proves.
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
 * The CLI in this process, shaped like a spawned child's result (test/helpers/run-cli.ts): stdout
 * and stderr are the lines as the executable writes them, each ending in "\n". `env` is set on
 * process.env for the call only (restored after it, including variables it did not have).
 */
export async function cliRun(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const r = await cli(args);
    return { code: r.code, stdout: r.out.map((l) => `${l}\n`).join(''), stderr: r.err.map((l) => `${l}\n`).join('') };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Sets GENQ_USER_DATA (recent projects) to `dir` for the file's tests and restores it after them. */
export function useUserData(dir: () => string): void {
  const saved = process.env.GENQ_USER_DATA;
  beforeAll(() => {
    process.env.GENQ_USER_DATA = dir();
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.GENQ_USER_DATA;
    else process.env.GENQ_USER_DATA = saved;
  });
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
