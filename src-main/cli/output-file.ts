// `--output FILE|-` for commands that stream lines (embed, generate). The file is opened before
// any work starts, so a missing folder, a directory or an unwritable path is one clear line
// instead of an "Unhandled 'error' event" stack after a model has loaded; later write errors
// (a full disk) reject the next write instead of crashing the process.
import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';

export class OutputFileError extends Error {
  override name = 'OutputFileError';
}

export interface LineOutput {
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

/** Why `path` cannot be written, from the error code (and a look at its folder). */
function describeOpenError(flag: string, path: string, err: NodeJS.ErrnoException): string {
  const abs = resolve(path);
  if (err.code === 'EISDIR') return `${flag} ${path}: is a folder; give a file path`;
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
    const parent = dirname(abs);
    let parentIsDir = false;
    try {
      parentIsDir = statSync(parent).isDirectory();
    } catch {
      // missing: said below
    }
    return parentIsDir ? `${flag} ${path}: cannot be created (${err.code})` : `${flag} ${path}: the folder ${parent} does not exist`;
  }
  if (err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS') return `${flag} ${path}: not allowed to write there (${err.code})`;
  return `${flag} ${path}: cannot be written (${err.code ?? err.message})`;
}

/** Opens `path` for writing ("-" = the given stdout line writer); fails before any work is done. */
export async function openLineOutput(path: string, stdout: (line: string) => void, flag = '--output'): Promise<LineOutput> {
  if (path === '-') return { write: async (line) => stdout(line), close: async () => {} };
  const file: WriteStream = createWriteStream(path);
  let failure: Error | null = null;
  const opened = once(file, 'open').catch((err: NodeJS.ErrnoException) => {
    throw new OutputFileError(describeOpenError(flag, path, err));
  });
  await opened;
  file.on('error', (err: NodeJS.ErrnoException) => {
    failure ??= new OutputFileError(`${flag} ${path}: writing failed (${err.code ?? err.message})`);
  });
  return {
    async write(line) {
      if (failure) throw failure;
      if (!file.write(`${line}\n`)) await Promise.race([once(file, 'drain'), once(file, 'close')]);
      if (failure) throw failure;
    },
    close: () =>
      new Promise<void>((resolvePromise, reject) => {
        if (failure) {
          file.destroy();
          return reject(failure);
        }
        file.end((err?: Error | null) => (err || failure ? reject(failure ?? err) : resolvePromise()));
      }),
  };
}
