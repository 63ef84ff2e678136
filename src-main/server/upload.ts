// POST /api/upload: web mode's way to get dropped files onto the server, since a browser cannot
// hand over real paths. One request per file, raw bytes in the body (no multipart parsing):
//   POST /api/upload?upload=<id>&path=<relative/path/of/file.txt>
// The file is streamed to <project>/uploads/<id>/<relative path>, keeping the dropped folder
// structure so the import can walk it. Names are checked segment by segment (no "..", no absolute
// paths, no control characters), the result must stay inside the upload folder, existing files are
// never overwritten, and the body is cut off at a size limit. Auth, Host and Origin checks happen
// in web.ts before this handler runs.
import { createWriteStream } from 'node:fs';
import { link, mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CallResult, WireError } from '../../shared/contract.js';
import { sendJson } from './api-call.js';

/** Matches the import's default per-file limit (ImportParams.maxFileMB = 2048). */
export const DEFAULT_MAX_UPLOAD_BYTES = 2048 * 1024 * 1024;
export const UPLOADS_SUBDIR = 'uploads';
const MAX_DEPTH = 32;
const MAX_SEGMENT_BYTES = 255;
const UPLOAD_ID = /^[A-Za-z0-9_-]{8,64}$/;

export interface UploadResult {
  /** Absolute folder of this upload: pass it to corpus.startImport. */
  uploadDir: string;
  /** Absolute path of the stored file. */
  file: string;
  bytes: number;
}

export interface UploadOptions {
  /** The open project's folder, or null when none is open. */
  projectDir: string | null;
  maxBytes: number;
  headers: Record<string, string>;
}

export class UploadError extends Error {
  constructor(
    readonly status: number,
    name: string,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
  get wire(): WireError {
    return { name: this.name, message: this.message };
  }
}

/**
 * A browser-supplied relative path → safe path segments. Rejects traversal and absolute paths
 * outright (they are attacks or bugs, never real drops); characters other platforms forbid in
 * names are replaced so the upload folder stays portable.
 */
export function safeRelativePath(raw: string | null): string[] {
  if (!raw) throw new UploadError(400, 'BadUploadPathError', 'Upload needs ?path=<relative file path>');
  if (raw.includes('\0')) throw new UploadError(400, 'BadUploadPathError', `Upload path contains a NUL byte: ${JSON.stringify(raw)}`);
  if (/^([A-Za-z]:)?[\\/]/.test(raw)) {
    throw new UploadError(400, 'BadUploadPathError', `Upload path must be relative, got ${JSON.stringify(raw)}`);
  }
  const segments = raw.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) throw new UploadError(400, 'BadUploadPathError', `Upload path ${JSON.stringify(raw)} names no file`);
  if (segments.length > MAX_DEPTH) throw new UploadError(400, 'BadUploadPathError', `Upload path is nested deeper than ${MAX_DEPTH} folders`);
  return segments.map((segment) => {
    if (segment === '..') throw new UploadError(400, 'PathTraversalError', `Upload path ${JSON.stringify(raw)} leaves the upload folder ("..")`);
    // eslint-disable-next-line no-control-regex
    let safe = segment.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/[. ]+$/, '');
    if (safe === '' || safe === '..') safe = '_';
    if (Buffer.byteLength(safe) > MAX_SEGMENT_BYTES) {
      throw new UploadError(400, 'BadUploadPathError', `Upload path segment is longer than ${MAX_SEGMENT_BYTES} bytes: ${segment.slice(0, 40)}…`);
    }
    return safe;
  });
}

/** Counts bytes through the stream and fails it once the limit is passed. */
class SizeLimit extends Transform {
  bytes = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly label: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) done(tooLarge(this.label, this.maxBytes));
    else done(null, chunk);
  }
}

function tooLarge(label: string, maxBytes: number): UploadError {
  return new UploadError(413, 'UploadTooLargeError', `${label} is larger than the upload limit of ${maxBytes.toLocaleString('en-US')} bytes`);
}


async function receive(req: IncomingMessage, url: URL, opts: UploadOptions): Promise<UploadResult> {
  if (req.method !== 'POST') throw new UploadError(405, 'MethodNotAllowedError', '/api/upload accepts POST only');
  // Forms cannot send this type, so a cross-site form post never gets this far either.
  if (!/^application\/octet-stream\b/i.test(req.headers['content-type'] ?? '')) {
    throw new UploadError(415, 'UnsupportedMediaTypeError', '/api/upload needs Content-Type: application/octet-stream (the raw file bytes)');
  }
  if (!opts.projectDir) throw new UploadError(409, 'NoProjectOpenError', 'Open a project before uploading files: uploads are stored in its folder');
  const uploadId = url.searchParams.get('upload') ?? '';
  if (!UPLOAD_ID.test(uploadId)) {
    throw new UploadError(400, 'BadUploadIdError', 'Upload needs ?upload=<id> of 8 to 64 letters, digits, "-" or "_"');
  }
  const segments = safeRelativePath(url.searchParams.get('path'));
  const label = segments.join('/');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > opts.maxBytes) throw tooLarge(label, opts.maxBytes);

  const uploadDir = path.join(path.resolve(opts.projectDir), UPLOADS_SUBDIR, uploadId);
  const file = path.join(uploadDir, ...segments);
  // Belt and braces: the segments are already clean, so this only fails if the checks above regress.
  if (!file.startsWith(uploadDir + path.sep)) throw new UploadError(400, 'PathTraversalError', `Upload path ${label} leaves the upload folder`);
  await mkdir(path.dirname(file), { recursive: true });
  // Written under a temporary name and linked into place when complete, so an import never sees
  // half a file and an existing file is never overwritten (link fails with EEXIST).
  const partial = `${file}.${process.pid}-${Date.now()}.part`;
  const limit = new SizeLimit(opts.maxBytes, label);
  // The request is piped by hand, not through pipeline(): pipeline would destroy the socket on a
  // size error, and the client would never see the 413 explaining why.
  const onClose = () => {
    if (!req.complete) limit.destroy(new UploadError(400, 'UploadAbortedError', `Upload of ${label} was interrupted`));
  };
  req.once('close', onClose);
  req.once('error', (err) => limit.destroy(err));
  req.pipe(limit);
  const out = createWriteStream(partial, { flags: 'wx' });
  try {
    await pipeline(limit, out);
    await link(partial, file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') throw new UploadError(409, 'UploadExistsError', `${label} was already uploaded in upload ${uploadId}`);
      throw err;
    });
  } catch (err) {
    req.unpipe(limit);
    if (err instanceof UploadError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new UploadError(500, 'UploadWriteError', `Could not store ${label}: ${e.message}`);
  } finally {
    req.off('close', onClose);
    // A pipeline that failed early (size limit, aborted request) rejects while the write stream may
    // still be opening its file; removing it before the stream closed left the .part file behind.
    if (!out.closed) {
      await new Promise<void>((resolve) => {
        out.once('close', () => resolve());
        out.on('error', () => {}); // already reported through the pipeline; 'close' follows it
      });
    }
    await rm(partial, { force: true });
  }
  return { uploadDir, file, bytes: limit.bytes };
}

export async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL, opts: UploadOptions): Promise<void> {
  try {
    const value = await receive(req, url, opts);
    sendJson(res, 200, { ok: true, value }, opts.headers);
  } catch (err) {
    const failure = err instanceof UploadError ? err : new UploadError(500, 'InternalError', String((err as Error)?.message ?? err));
    if (failure.status === 405) res.setHeader('Allow', 'POST');
    // The rest of the body is not read: closing tells the client to stop sending it.
    // Node discards the unread rest of the body after the response.
    if (!req.complete) res.setHeader('Connection', 'close');
    sendJson(res, failure.status, { ok: false, error: failure.wire }, opts.headers);
  }
}
