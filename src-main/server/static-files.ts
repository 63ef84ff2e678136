// Serves the built renderer. Paths are resolved inside staticDir only (no traversal, no dotfiles,
// no symlinks out); unknown extension-less paths fall back to index.html so deep links work.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { mimeTypeFor } from './headers.js';

export type StaticResult = 'served' | 'not-found' | 'forbidden';

export interface StaticFiles {
  serve(req: IncomingMessage, res: ServerResponse, pathname: string, headers: Record<string, string>): Promise<StaticResult>;
}

export function createStaticFiles(staticDir: string): StaticFiles {
  const root = path.resolve(staticDir);
  let realRoot: Promise<string> | null = null;
  const getRealRoot = () => (realRoot ??= realpath(root));

  /** The file inside root for a URL path, or null when it points outside or is malformed. */
  async function resolveInside(pathname: string): Promise<string | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return null;
    const segments = decoded.split('/').filter(Boolean);
    if (segments.some((s) => s === '..' || s.startsWith('.'))) return null;
    const rootReal = await getRealRoot();
    const candidate = path.resolve(rootReal, ...segments);
    if (candidate !== rootReal && !candidate.startsWith(rootReal + path.sep)) return null;
    return candidate;
  }

  async function fileAt(p: string): Promise<{ file: string; size: number } | null> {
    try {
      const real = await realpath(p);
      const rootReal = await getRealRoot();
      if (!real.startsWith(rootReal + path.sep)) return null; // a symlink pointing out of root
      const s = await stat(real);
      return s.isFile() ? { file: real, size: s.size } : null;
    } catch {
      return null;
    }
  }

  function send(req: IncomingMessage, res: ServerResponse, found: { file: string; size: number }, headers: Record<string, string>): void {
    const isIndex = path.basename(found.file) === 'index.html';
    res.writeHead(200, {
      ...headers,
      'Content-Type': mimeTypeFor(path.extname(found.file)),
      'Content-Length': String(found.size),
      // Vite fingerprints assets; index.html must be revalidated to pick up new builds.
      'Cache-Control': isIndex ? 'no-cache' : 'private, max-age=3600',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  return {
    async serve(req, res, pathname, headers) {
      const target = await resolveInside(pathname);
      if (target === null) return 'forbidden';
      let found = await fileAt(target);
      if (!found) {
        const dir = await fileAt(path.join(target, 'index.html'));
        // Only routes without a file extension fall back to the app; a missing asset is a 404.
        found = dir ?? (path.extname(target) === '' ? await fileAt(path.join(await getRealRoot(), 'index.html')) : null);
      }
      if (!found) return 'not-found';
      send(req, res, found, headers);
      return 'served';
    },
  };
}
