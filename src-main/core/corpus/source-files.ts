// Which files an import covers (folders walked recursively, hidden entries skipped) and the
// content hash that detects a re-import of the same bytes under any name.
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CorpusFormat } from '../../../shared/services/corpus.js';
import { formatForPath } from './formats/index.js';

export interface ExpandedPaths {
  /** Files to import, in a stable order (explicit files as given, folder contents sorted). */
  files: string[];
  /** Files inside folders whose extension is not a supported format. */
  ignored: string[];
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) await walk(full, out);
    else if (e.isFile()) out.push(full);
  }
}

/**
 * Explicit files are always kept (a missing or unsupported one is reported by the import);
 * folder contents are kept when their format is known or a format is forced.
 */
export async function expandPaths(paths: string[], forced: CorpusFormat | 'auto'): Promise<ExpandedPaths> {
  const files: string[] = [];
  const ignored: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (!seen.has(file)) {
      seen.add(file);
      files.push(file);
    }
  };
  for (const given of paths) {
    const path = resolve(given);
    const stat = await fsp.stat(path).catch(() => null);
    if (!stat?.isDirectory()) {
      add(path);
      continue;
    }
    const inside: string[] = [];
    await walk(path, inside);
    for (const file of inside) {
      if (forced !== 'auto' || formatForPath(file)) add(file);
      else ignored.push(file);
    }
  }
  return { files, ignored };
}

/** sha256 of the file's bytes as stored on disk (documents.source_hash). */
export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    if (signal?.aborted) break;
    hash.update(chunk);
  }
  return hash.digest('hex');
}

export async function fileSize(path: string): Promise<number> {
  return (await fsp.stat(path).catch(() => null))?.size ?? 0;
}
