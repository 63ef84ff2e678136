// The fault-injection harness: child processes running one stage against a project, killed
// with SIGKILL at seeded random moments, and the checks every stage must pass afterwards
// (integrity_check, exact counts). Used by faults.test.ts (short form in `npm test`, long form
// with GENQ_FAULT_ITERATIONS in `npm run test:faults`) and the concurrency tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { genqNodeArgs } from '../helpers/genq-entry.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const childScript = fileURLToPath(new URL('./job-child.mjs', import.meta.url));

/**
 * How the stage child starts: like the CLI children (genq-entry.ts), on the compiled dist when it is
 * newer than every source file (no tsx in the child nor in its job workers: ~1–2.5 CPU-s less per
 * child), else from source through tsx.
 */
function childStart(): { nodeArgs: string[]; servicesModule: string } {
  const dist = !genqNodeArgs().includes('--import');
  const services = join(repoRoot, dist ? 'dist/src-main/core/services.js' : 'src-main/core/services.ts');
  return { nodeArgs: dist ? [] : ['--import', 'tsx'], servicesModule: pathToFileURL(services).href };
}

export interface ChildLine {
  i?: number;
  jobId?: number;
  pid?: number;
  state?: string;
  error?: { name: string; message: string } | null;
  value?: unknown;
}

export interface StageChild {
  child: ChildProcess;
  /** Lines the child printed so far, parsed. */
  lines: ChildLine[];
  /** The first line ({jobId, pid} for a job). */
  first: Promise<ChildLine>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  kill(): Promise<void>;
}

/** Starts `genq`'s services in a child on `dir` and calls service.method(params) there. */
export function startStage(dir: string, service: string, method: string, params: unknown, repeat?: number, env: NodeJS.ProcessEnv = {}): StageChild {
  const args = [childScript, dir, service, method, JSON.stringify(params), ...(repeat ? [String(repeat)] : [])];
  const start = childStart();
  const child = spawn(process.execPath, [...start.nodeArgs, ...args], {
    cwd: repoRoot,
    env: { ...process.env, GENQ_SERVICES_MODULE: start.servicesModule, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const lines: ChildLine[] = [];
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const first = new Promise<ChildLine>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as ChildLine;
      lines.push(parsed);
      if (lines.length === 1) resolve(parsed);
    });
    void exited.then(([code, signal]) => reject(new Error(`stage child exited (${code ?? signal}) before reporting: ${stderr.slice(-2000)}`)));
  });
  first.catch(() => undefined);
  return {
    child,
    lines,
    first,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A read-only look at the project database (tests run their checks through this). */
export function withDb<T>(dir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dir, 'project.sqlite'), { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export const scalar = (db: Database.Database, sql: string, ...args: unknown[]): number => Number(db.prepare(sql).pluck().get(...args) ?? 0);

export function integrity(dir: string): string {
  return withDb(dir, (db) => String(db.pragma('integrity_check', { simple: true })));
}

/** Documents whose passages are not one complete run of ordinals 0..n-1 (half-written documents). */
export function brokenDocuments(db: Database.Database): number {
  return scalar(
    db,
    `SELECT count(*) FROM (SELECT d.id, count(p.id) c, max(p.ordinal) m FROM documents d
       LEFT JOIN passages p ON p.document_id = d.id GROUP BY d.id) WHERE c = 0 OR m != c - 1`,
  );
}

/** Runs `check` with a failure message collected instead of thrown, so an iteration reports every problem. */
export class FaultLog {
  readonly failures: string[] = [];
  /** How often each notable path was taken (e.g. a resume continuing a half-imported file). */
  readonly seen = new Map<string, number>();
  iterations = 0;
  note(what: string): void {
    this.seen.set(what, (this.seen.get(what) ?? 0) + 1);
  }
  expect(ok: boolean, what: string): void {
    if (!ok) this.failures.push(what);
  }
  summary(stage: string): string {
    const seen = [...this.seen].map(([what, n]) => `${what} ×${n}`).join(', ');
    return `faults ${stage}: ${this.iterations} iteration(s), ${this.failures.length} failure(s)${seen ? ` (${seen})` : ''}${this.failures.length ? `:\n  ${this.failures.join('\n  ')}` : ''}`;
  }
}

/** Iterations per stage: GENQ_FAULT_ITERATIONS (the long form), else `short`. */
export function iterations(short: number): number {
  const n = Number(process.env.GENQ_FAULT_ITERATIONS);
  return Number.isInteger(n) && n > 0 ? n : short;
}

export function faultSeed(): number {
  const n = Number(process.env.GENQ_FAULT_SEED);
  return Number.isInteger(n) ? n : 1;
}
