import { describe, expect, it } from 'vitest';
import { electronPaths, isHiddenPath } from '../../../src-renderer/components/corpus/source-paths.js';
import { topLevelPath, uploadFiles, type SourceFile } from '../../../src-renderer/components/corpus/upload.js';

const source = (relativePath: string, text: string): SourceFile => ({ file: Object.assign(new Blob([text]), { name: relativePath.split('/').pop()! }), relativePath });

/** A fake /api/upload that stores like the server does and records what it got. */
function fakeServer(fail?: { at: string; status: number; body: string }) {
  const calls: Array<{ url: URL; type: string | null; bytes: number }> = [];
  const fetch = (async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const body = init.body as Blob;
    calls.push({ url, type: new Headers(init.headers).get('content-type'), bytes: body.size });
    const rel = url.searchParams.get('path')!;
    if (fail && rel === fail.at) return new Response(fail.body, { status: fail.status });
    const uploadDir = `/proj/uploads/${url.searchParams.get('upload')}`;
    return Response.json({ ok: true, value: { uploadDir, file: `${uploadDir}/${rel}`, bytes: body.size } });
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

describe('uploadFiles (web mode)', () => {
  it('posts every file raw into one upload and returns the dropped top-level items', async () => {
    const server = fakeServer();
    const progress: number[] = [];
    const result = await uploadFiles([source('notes/a.txt', 'aaa'), source('notes/deep/b.md', 'bb'), source('c.jsonl', '{}')], {
      fetch: server.fetch,
      baseUrl: 'http://127.0.0.1:9',
      uploadId: 'fixed-id-1',
      onProgress: (p) => progress.push(p.bytes),
    });
    expect(result).toEqual({ uploadDir: '/proj/uploads/fixed-id-1', topLevel: ['/proj/uploads/fixed-id-1/notes', '/proj/uploads/fixed-id-1/c.jsonl'] });
    expect(server.calls.map((c) => c.url.searchParams.get('path'))).toEqual(['notes/a.txt', 'notes/deep/b.md', 'c.jsonl']);
    expect(new Set(server.calls.map((c) => c.url.searchParams.get('upload')))).toEqual(new Set(['fixed-id-1']));
    expect(server.calls.every((c) => c.url.pathname === '/api/upload' && c.type === 'application/octet-stream')).toBe(true);
    expect(progress).toEqual([0, 3, 5, 7]);
  });

  it('turns the server’s error into a named error', async () => {
    const server = fakeServer({ at: 'big.txt', status: 413, body: JSON.stringify({ ok: false, error: { name: 'UploadTooLargeError', message: 'big.txt is larger than the upload limit' } }) });
    await expect(uploadFiles([source('big.txt', 'x')], { fetch: server.fetch, baseUrl: 'http://127.0.0.1:9' })).rejects.toMatchObject({ name: 'UploadTooLargeError' });
    const html = fakeServer({ at: 'a.txt', status: 401, body: 'Unauthorized' });
    await expect(uploadFiles([source('a.txt', 'x')], { fetch: html.fetch, baseUrl: 'http://127.0.0.1:9' })).rejects.toMatchObject({ name: 'HttpError', message: expect.stringContaining('401') });
  });

  it('refuses an empty drop', async () => {
    await expect(uploadFiles([], { baseUrl: 'http://127.0.0.1:9' })).rejects.toMatchObject({ name: 'NothingToImportError' });
  });
});

describe('source paths', () => {
  it('topLevelPath walks back to the dropped item, on POSIX and Windows servers', () => {
    expect(topLevelPath('/p/uploads/u1/notes/2024/jan.txt', 'notes/2024/jan.txt')).toBe('/p/uploads/u1/notes');
    expect(topLevelPath('/p/uploads/u1/a.txt', 'a.txt')).toBe('/p/uploads/u1/a.txt');
    expect(topLevelPath('C:\\p\\uploads\\u1\\notes\\a.txt', 'notes/a.txt')).toBe('C:\\p\\uploads\\u1\\notes');
  });

  it('skips hidden files and folders', () => {
    expect(isHiddenPath('notes/.DS_Store')).toBe(true);
    expect(isHiddenPath('.git/config')).toBe(true);
    expect(isHiddenPath('notes/a.txt')).toBe(false);
  });

  it('Electron: dropped items map to their paths; a picked folder maps to the folder once', () => {
    const paths: Record<string, string> = { a: '/home/me/a.txt', f1: '/home/me/corpus/x.txt', f2: '/home/me/corpus/sub/y.txt', none: '' };
    const bridge = { pathForFile: (f: unknown) => paths[(f as { key: string }).key] };
    const file = (key: string, webkitRelativePath = '') => ({ key, webkitRelativePath }) as unknown as File;
    expect(electronPaths(bridge, [file('a')])).toEqual(['/home/me/a.txt']);
    expect(electronPaths(bridge, [file('f1', 'corpus/x.txt'), file('f2', 'corpus/sub/y.txt')])).toEqual(['/home/me/corpus']);
    expect(electronPaths(bridge, [file('none')])).toEqual([]);
  });
});
