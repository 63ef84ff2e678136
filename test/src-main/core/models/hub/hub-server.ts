// A local stand-in for the Hugging Face Hub (node:http on 127.0.0.1, random port) serving fixture
// folders in the Hub's URL layout, with the endpoints and headers @huggingface/hub reads:
//   GET /api/models/:repo/revision/:rev       model info with the commit sha
//   GET /api/models/:repo/tree/:rev?recursive  file listing (oid, size, lfs {oid, size})
//   GET /:repo/resolve/:rev/:path              small files directly; LFS files (safetensors, onnx)
//                                              302 to /cdn/… like the real Hub; Range → 206
// Unknown repos answer 404 RepoNotFound, gated repos 401 GatedRepo unless the right token is sent.
// Tests can make the server cut the connection part-way through a file.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';

export interface FakeRepo {
  dir: string;
  /** Token the repo requires (a gated model); none when public. */
  token?: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  range: string | null;
  auth: string | null;
}

interface FileEntry {
  path: string;
  content: Buffer;
  lfs: boolean;
  gitOid: string;
  sha256: string;
}

export class FakeHub {
  readonly requests: RequestRecord[] = [];
  /** path → bytes after which the next responses for it are cut (consumed one per response). */
  readonly cuts = new Map<string, number[]>();
  /** path → milliseconds between 64 KiB pieces of its body (a slow network, to cancel mid-file). */
  readonly slow = new Map<string, number>();
  private server: Server;
  private files = new Map<string, FileEntry[]>();
  url = '';

  constructor(private readonly repos: Record<string, FakeRepo>) {
    for (const [id, repo] of Object.entries(repos)) this.files.set(id, scan(repo.dir));
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The commit every revision of a repo resolves to (stable per repo id). */
  static commitOf(repo: string): string {
    return createHash('sha1').update(`commit:${repo}`).digest('hex');
  }

  fileOf(repo: string, path: string): FileEntry {
    const f = this.files.get(repo)?.find((e) => e.path === path);
    if (!f) throw new Error(`fake hub: no ${path} in ${repo}`);
    return f;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    this.requests.push({ method: req.method ?? 'GET', path, range: req.headers.range ?? null, auth: req.headers.authorization ?? null });
    let m: RegExpMatchArray | null;
    if ((m = path.match(/^\/api\/models\/([^/]+\/[^/]+)\/revision\/(.+)$/))) return this.withRepo(req, res, m[1], m[2], (id) => this.info(res, id));
    if ((m = path.match(/^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)$/))) return this.withRepo(req, res, m[1], m[2], (id) => this.tree(res, id));
    if ((m = path.match(/^\/cdn\/([^/]+\/[^/]+)\/([0-9a-f]{64})$/))) {
      const entry = this.files.get(m[1])?.find((f) => f.sha256 === m![2]);
      return entry ? this.send(req, res, entry, {}) : error(res, 404, 'EntryNotFound', 'no such object');
    }
    if ((m = path.match(/^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/))) {
      const [, repo, , file] = m;
      return this.withRepo(req, res, repo, m[2], (id) => this.resolve(req, res, id, file));
    }
    error(res, 404, 'RepoNotFound', 'Repository not found');
  }

  private withRepo(req: IncomingMessage, res: ServerResponse, id: string, rev: string, next: (id: string) => void): void {
    const repo = this.repos[id];
    if (!repo) return error(res, 404, 'RepoNotFound', 'Repository not found');
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) {
      return error(res, 401, 'GatedRepo', `Access to model ${id} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
    }
    if (rev !== 'main' && rev !== FakeHub.commitOf(id)) return error(res, 404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
    next(id);
  }

  private info(res: ServerResponse, id: string): void {
    json(res, { _id: `id-${id}`, id, sha: FakeHub.commitOf(id), private: false, gated: this.repos[id].token ? 'manual' : false, downloads: 0, likes: 0, lastModified: '2026-01-01T00:00:00.000Z' });
  }

  private tree(res: ServerResponse, id: string): void {
    const entries = this.files.get(id)!;
    const dirs = [...new Set(entries.flatMap((e) => (e.path.includes('/') ? [e.path.split('/')[0]] : [])))];
    json(res, [
      ...dirs.map((d) => ({ type: 'directory', oid: createHash('sha1').update(d).digest('hex'), size: 0, path: d })),
      ...entries.map((e) => ({
        type: 'file',
        oid: e.lfs ? createHash('sha1').update(`pointer ${e.sha256}`).digest('hex') : e.gitOid,
        size: e.content.length,
        path: e.path,
        ...(e.lfs ? { lfs: { oid: e.sha256, size: e.content.length, pointerSize: 134 } } : {}),
      })),
    ]);
  }

  private resolve(req: IncomingMessage, res: ServerResponse, id: string, path: string): void {
    const entry = this.files.get(id)!.find((e) => e.path === path);
    if (!entry) return error(res, 404, 'EntryNotFound', `${path} does not exist on "main"`);
    const common = { 'X-Repo-Commit': FakeHub.commitOf(id) };
    if (entry.lfs) {
      // The real Hub redirects LFS content to a CDN and puts the content's hash and size in X-Linked-*.
      res.writeHead(302, { ...common, Location: `/cdn/${id}/${entry.sha256}`, 'X-Linked-Size': String(entry.content.length), 'X-Linked-ETag': `"${entry.sha256}"`, 'Content-Length': '0' });
      return void res.end();
    }
    this.send(req, res, entry, { ...common, ETag: `"${entry.gitOid}"` });
  }

  private send(req: IncomingMessage, res: ServerResponse, entry: FileEntry, headers: Record<string, string>): void {
    const size = entry.content.length;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (range && start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` });
      return void res.end();
    }
    const body = entry.content.subarray(start, end + 1);
    res.writeHead(range ? 206 : 200, {
      ...headers,
      ETag: headers.ETag ?? `"${entry.sha256}"`,
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(body.length),
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    const cut = body.length > 1 ? this.cuts.get(entry.path)?.shift() : undefined;
    const delay = body.length > 1 ? this.slow.get(entry.path) : undefined;
    if (delay !== undefined) return trickle(res, body, delay);
    if (cut === undefined) return void res.end(body);
    // Send part of the body, then drop the connection as a flaky network would.
    res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
  }
}

function trickle(res: ServerResponse, body: Buffer, delayMs: number, offset = 0): void {
  if (res.destroyed) return;
  if (offset >= body.length) return void res.end();
  res.write(body.subarray(offset, offset + 65536));
  setTimeout(() => trickle(res, body, delayMs, offset + 65536), delayMs);
}

function scan(dir: string): FileEntry[] {
  const out: FileEntry[] = [];
  for (const rel of readdirSync(dir, { recursive: true }) as string[]) {
    const full = join(dir, rel);
    if (!statSync(full).isFile()) continue;
    const content = readFileSync(full);
    const path = relative(dir, full).split('\\').join('/');
    out.push({
      path,
      content,
      lfs: /\.(safetensors|onnx|bin)$/.test(path),
      gitOid: createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex'),
      sha256: createHash('sha256').update(content).digest('hex'),
    });
  }
  return out;
}

function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function error(res: ServerResponse, status: number, code: string, message: string): void {
  const text = JSON.stringify({ error: message });
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Error-Code': code, 'X-Error-Message': message, 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}
