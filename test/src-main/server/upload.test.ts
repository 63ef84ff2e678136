import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeRelativePath } from '../../../src-main/server/upload.js';
import { startWebServer, type WebServer } from '../../../src-main/server/web.js';
import { fakeServices, makeStaticDir, raw } from './helpers.js';

const LIMIT = 1000;
let server: WebServer;
let projectDir: string;
const project: { current: { project: { dir: string } } | null } = { current: null };

beforeAll(async () => {
  projectDir = mkdtempSync(path.join(tmpdir(), 'genq-upload-'));
  project.current = { project: { dir: projectDir } };
  server = await startWebServer({ services: { ...fakeServices(), projects: project }, port: 0, staticDir: makeStaticDir(), maxUploadBytes: LIMIT });
});
afterAll(async () => {
  await server.close();
  rmSync(projectDir, { recursive: true, force: true });
});

const auth = () => ({ authorization: `Bearer ${server.token}`, 'content-type': 'application/octet-stream' });
const uploadPath = (id: string, file: string) => `/api/upload?upload=${id}&path=${encodeURIComponent(file)}`;
const upload = (id: string, file: string, body: string | Buffer, headers: Record<string, string> = auth()) =>
  raw(server.port, { method: 'POST', path: uploadPath(id, file), headers, body });
const json = (body: string) => JSON.parse(body) as { ok: boolean; value?: { uploadDir: string; file: string; bytes: number }; error?: { name: string; message: string } };

/** Every file under dir, relative, sorted. */
function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Sends the body in pieces with chunked encoding (no Content-Length), as a browser stream would. */
function chunked(pathAndQuery: string, pieces: Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, method: 'POST', path: pathAndQuery, headers: { host: `127.0.0.1:${server.port}`, ...auth() } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    // The server may answer (and close) before the last piece: that is the point of the test.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    for (const p of pieces) req.write(p);
    req.end();
  });
}

describe('/api/upload: access', () => {
  it('requires the token', async () => {
    const res = await upload('abcdefgh', 'a.txt', 'hello', { 'content-type': 'application/octet-stream' });
    expect(res.status).toBe(401);
    expect(listTree(path.join(projectDir, 'uploads'))).toEqual([]);
  });

  it('refuses a cross-origin page even with the token', async () => {
    const res = await upload('abcdefgh', 'a.txt', 'hello', { ...auth(), origin: 'http://evil.example' });
    expect(res.status).toBe(403);
  });

  it('accepts only raw bytes (application/octet-stream) and POST', async () => {
    const form = await upload('abcdefgh', 'a.txt', 'a=1', { ...auth(), 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const get = await raw(server.port, { path: uploadPath('abcdefgh', 'a.txt'), headers: auth() });
    expect(get.status).toBe(405);
  });

  it('refuses uploads while no project is open, and bad upload ids', async () => {
    const saved = project.current;
    project.current = null;
    try {
      const res = await upload('abcdefgh', 'a.txt', 'hello');
      expect(res.status).toBe(409);
      expect(json(res.body).error?.name).toBe('NoProjectOpenError');
    } finally {
      project.current = saved;
    }
    const badId = await upload('../../x', 'a.txt', 'hello');
    expect(badId.status).toBe(400);
    expect(json(badId.body).error?.name).toBe('BadUploadIdError');
  });
});

describe('/api/upload: storing files', () => {
  it('streams files into <project>/uploads/<id>/ keeping their folder structure', async () => {
    const id = 'folder-drop-1';
    const first = await upload(id, 'notes/2024/january.txt', 'First note.');
    expect(first.status).toBe(200);
    const value = json(first.body).value!;
    expect(value.uploadDir).toBe(path.join(projectDir, 'uploads', id));
    expect(value.file).toBe(path.join(value.uploadDir, 'notes', '2024', 'january.txt'));
    expect(value.bytes).toBe(11);
    expect((await upload(id, 'notes/readme.md', '# Notes')).status).toBe(200);
    expect((await upload(id, 'data.jsonl', '{"text":"x"}\n')).status).toBe(200);
    expect(listTree(value.uploadDir)).toEqual(['data.jsonl', path.join('notes', '2024', 'january.txt'), path.join('notes', 'readme.md')]);
    expect(readFileSync(value.file, 'utf8')).toBe('First note.');
  });

  it('never overwrites a file already uploaded under the same name', async () => {
    expect((await upload('overwrite-1', 'a.txt', 'original')).status).toBe(200);
    const again = await upload('overwrite-1', 'a.txt', 'replaced');
    expect(again.status).toBe(409);
    expect(readFileSync(path.join(projectDir, 'uploads', 'overwrite-1', 'a.txt'), 'utf8')).toBe('original');
  });

  it('replaces characters other systems forbid in names', async () => {
    const res = await upload('names-0001', 'what? "why"*.txt', 'x');
    expect(res.status).toBe(200);
    expect(path.basename(json(res.body).value!.file)).toBe('what_ _why__.txt');
  });
});

describe('/api/upload: attacks and limits', () => {
  it.each(['../escape.txt', 'a/../../escape.txt', '..\\..\\escape.txt', '/etc/passwd', 'C:\\Windows\\x.txt', 'a/\0b.txt'])(
    'rejects %j without writing anything',
    async (bad) => {
      const res = await upload('traversal-1', bad, 'evil');
      expect(res.status).toBe(400);
      expect(json(res.body).error?.name).toMatch(/PathTraversalError|BadUploadPathError/);
      expect(listTree(path.join(projectDir, 'uploads', 'traversal-1'))).toEqual([]);
      expect(existsSync(path.join(projectDir, 'escape.txt'))).toBe(false);
      expect(existsSync(path.join(projectDir, 'uploads', 'escape.txt'))).toBe(false);
    },
  );

  it('safeRelativePath drops empty and "." segments but never "..", even percent-decoded', () => {
    expect(safeRelativePath('./a//b/./c.txt')).toEqual(['a', 'b', 'c.txt']);
    expect(() => safeRelativePath(decodeURIComponent('..%2Fx'))).toThrow(/leaves the upload folder/);
    expect(() => safeRelativePath('')).toThrow(/needs \?path=/);
  });

  it('answers 413 when the declared size is over the limit', async () => {
    const res = await upload('size-00001', 'big.txt', Buffer.alloc(LIMIT + 1, 97));
    expect(res.status).toBe(413);
    expect(json(res.body).error).toMatchObject({ name: 'UploadTooLargeError' });
    expect(json(res.body).error?.message).toContain('big.txt');
    expect(listTree(path.join(projectDir, 'uploads', 'size-00001'))).toEqual([]);
  });

  it('cuts off a streamed body once it passes the limit and leaves no partial file', async () => {
    const pieces = Array.from({ length: 6 }, () => Buffer.alloc(300, 98));
    const res = await chunked(uploadPath('size-00002', 'stream.txt'), pieces);
    expect(res.status).toBe(413);
    expect(listTree(path.join(projectDir, 'uploads', 'size-00002'))).toEqual([]);
    // Exactly at the limit is fine.
    const ok = await chunked(uploadPath('size-00002', 'fits.txt'), [Buffer.alloc(500, 99), Buffer.alloc(500, 99)]);
    expect(ok.status).toBe(200);
    expect(listTree(path.join(projectDir, 'uploads', 'size-00002'))).toEqual(['fits.txt']);
  });
});
