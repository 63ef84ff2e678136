// Web mode's file-access policy: a browser user reaches only the open project's folder (its
// uploads included), folders the person at the machine allowed (`genq serve --allow-dir DIR`),
// the project `genq serve --project` opened, and (read-only) the shared Hub model cache.
// Everything else is refused with a FileAccessError before any service touches the disk.
//
// The policy wraps the API dispatcher (guardDispatcher), so core services stay policy-free and
// the Electron app (native dialogs, the user's own paths) is unrestricted. Path fields are found
// by name in every input, including jobs.start params, so a new job kind with a `dir` or `paths`
// field is guarded without a change here. Relative paths resolve against the project folder,
// never the server's working directory, and reach the services as absolute paths.
//
// No existence oracle: a path is first checked lexically, without touching the disk; only a
// path inside an allowed folder is then resolved through symlinks (realpath of its longest
// existing prefix) to catch links that lead out, with the same message either way.
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Dispatcher } from '../core/api/dispatch.js';
import { toWireError } from '../../shared/contract.js';

export class FileAccessError extends Error {
  override name = 'FileAccessError';
}

export type AccessMode = 'read' | 'write';

export interface FileAccessOptions {
  /** Folders the person at the machine allowed (read and write). */
  allowDirs: readonly string[];
  /** The open project's folder (read and write), or null when none is open. */
  projectDir: () => string | null;
  /** Folders a browser may read from but never write to (the Hub model cache). */
  readOnlyDirs?: readonly string[];
}

export interface FileAccessPolicy {
  /** The absolute path a service should use, or a FileAccessError. */
  check(p: string, mode: AccessMode): string;
  /** The input with every path field checked and made absolute (throws FileAccessError). */
  guardInput(service: string, method: string, input: unknown): unknown;
  /** Folders a browser may write to right now (for messages and tests). */
  writableRoots(): string[];
}

/** Input fields that name a file or folder to read. */
const READ_KEYS = new Set(['dir', 'path', 'paths', 'tokenizerDir', 'beirDir', 'modelDir', 'modelPath']);
/** Input fields that name a file or folder to write. */
const WRITE_KEYS = new Set(['out', 'output', 'outputDir']);
/** Methods whose `dir` is written to (a project is created or opened, and its database written). */
const WRITE_DIR_METHODS = new Set(['projects.create', 'projects.open']);
/** The project's own database files: never a write target for an export. */
const DATABASE_FILE = /^project\.sqlite(-wal|-shm|-journal)?$/;

/** realpath of the longest existing prefix of an absolute path, with the rest appended. */
function realpathAllowingMissing(p: string): string {
  let existing = p;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    real = existing; // unreadable (EACCES): the service reports it; the lexical check still held
  }
  return path.join(real, ...rest);
}

const inside = (root: string, p: string): boolean => {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

export function createFileAccessPolicy(opts: FileAccessOptions): FileAccessPolicy {
  const allowDirs = opts.allowDirs.map((d) => path.resolve(d));
  const readOnlyDirs = (opts.readOnlyDirs ?? []).map((d) => path.resolve(d));
  const writableRoots = (): string[] => {
    const project = opts.projectDir();
    return project ? [path.resolve(project), ...allowDirs] : [...allowDirs];
  };

  function refuse(raw: string, mode: AccessMode): never {
    const roots = writableRoots();
    const where = roots.length
      ? `the project folder and the folders allowed with \`genq serve --allow-dir\` (${roots.join(', ')})`
      : 'folders allowed with `genq serve --allow-dir DIR` (none were given and no project is open)';
    throw new FileAccessError(`${raw}: web mode cannot ${mode} outside ${where}`);
  }

  function check(raw: string, mode: AccessMode): string {
    if (typeof raw !== 'string' || raw.includes('\0')) throw new FileAccessError('a path must be text without NUL bytes');
    raw = raw.trim(); // as the API schemas trim it
    const project = opts.projectDir();
    let abs: string;
    if (path.isAbsolute(raw)) abs = path.resolve(raw);
    else if (project) abs = path.resolve(project, raw);
    else throw new FileAccessError(`${raw}: a relative path needs an open project (it resolves against the project folder); give an absolute path`);
    const roots = mode === 'write' ? writableRoots() : [...writableRoots(), ...readOnlyDirs];
    // Lexical first: a refused path is never looked at on disk.
    const lexicalRoots = roots.filter((r) => inside(r, abs));
    if (lexicalRoots.length === 0) refuse(raw, mode);
    // Then through symlinks: a link inside an allowed folder must not lead out of it.
    const real = realpathAllowingMissing(abs);
    if (!roots.some((r) => inside(realpathAllowingMissing(r), real))) refuse(raw, mode);
    if (mode === 'write' && project && path.dirname(abs) === path.resolve(project) && DATABASE_FILE.test(path.basename(abs))) {
      throw new FileAccessError(`${raw}: the project's database cannot be a write target`);
    }
    return abs;
  }

  function walk(value: unknown, mode: (key: string) => AccessMode | null): unknown {
    if (Array.isArray(value)) return value.map((v) => walk(v, mode));
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const m = mode(key);
      if (m && typeof v === 'string') out[key] = check(v, m);
      else if (m && Array.isArray(v)) out[key] = v.map((item) => (typeof item === 'string' ? check(item, m) : item));
      else out[key] = walk(v, mode);
    }
    return out;
  }

  return {
    check,
    writableRoots,
    guardInput(service, method, input) {
      const name = `${service}.${method}`;
      return walk(input, (key) => {
        if (WRITE_KEYS.has(key)) return 'write';
        if (key === 'dir' && WRITE_DIR_METHODS.has(name)) return 'write';
        return READ_KEYS.has(key) ? 'read' : null;
      });
    },
  };
}

/** The dispatcher with every path in every input checked (and made absolute) first. */
export function guardDispatcher(dispatch: Dispatcher, policy: FileAccessPolicy): Dispatcher {
  return async (service, method, input) => {
    let guarded: unknown;
    try {
      guarded = policy.guardInput(service, method, input);
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
    return dispatch(service, method, guarded);
  };
}
