// GET /api/download?path=<file>: web mode's way to hand an exported file to the browser (an
// export writes on the server's disk; the user wants it in their Downloads). The path passes the
// same file-access policy as every API input (project folder and allowed folders only), must be
// a regular file, and is sent as an attachment. Token, Host and Origin checks happen in web.ts.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { toWireError } from '../../shared/contract.js';
import { sendJson } from './api-call.js';
import type { FileAccessPolicy } from './file-access.js';

/** attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded (RFC 6266 / 5987). */
export function attachmentHeader(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export async function handleDownload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  opts: { policy: FileAccessPolicy; headers: Record<string, string> },
): Promise<void> {
  const fail = (status: number, err: unknown) => sendJson(res, status, { ok: false, error: toWireError(err) }, opts.headers);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return fail(405, { name: 'MethodNotAllowedError', message: '/api/download accepts GET only' });
  }
  const raw = url.searchParams.get('path');
  if (!raw) return fail(400, { name: 'BadRequestError', message: '/api/download needs ?path=<file>' });
  let file: string;
  try {
    file = opts.policy.check(raw, 'read');
  } catch (err) {
    return fail(403, err);
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return fail(404, { name: 'NotFoundError', message: `${raw}: no such file` });
  res.writeHead(200, {
    ...opts.headers,
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(info.size),
    'Content-Disposition': attachmentHeader(path.basename(file)),
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD') return void res.end();
  await pipeline(createReadStream(file), res);
}
