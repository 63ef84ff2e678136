// Web mode: sends dropped files to POST /api/upload one by one (the HttpOnly cookie
// authenticates), all into one upload folder whose absolute path the import then walks.
import { RemoteError, type CallResult } from '../../../shared/contract.js';

/** A file plus where it sat in what the user dropped ("notes/2024/jan.txt"). */
export interface SourceFile {
  file: Blob & { name: string };
  relativePath: string;
}

export interface UploadProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
  current: string;
}

export interface UploadOptions {
  onProgress?: (p: UploadProgress) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Defaults to the page's origin. */
  baseUrl?: string;
  uploadId?: string;
}

export function newUploadId(): string {
  return crypto.randomUUID();
}

export interface UploadedSources {
  /** The server folder holding this upload. */
  uploadDir: string;
  /** Server paths of what was dropped at the top level (files and folders), to import by name. */
  topLevel: string[];
}

/**
 * The server path of the top-level item a file came in with: "<upload>/notes" for
 * "notes/2024/jan.txt" stored at "<upload>/notes/2024/jan.txt".
 */
export function topLevelPath(storedFile: string, relativePath: string): string {
  const depth = relativePath.split(/[\\/]+/).filter((s) => s !== '' && s !== '.').length;
  const sep = storedFile.includes('\\') && !storedFile.includes('/') ? '\\' : '/';
  const parts = storedFile.split(sep);
  return parts.slice(0, parts.length - depth + 1).join(sep);
}

/** Uploads every file into one upload folder on the server. */
export async function uploadFiles(files: SourceFile[], opts: UploadOptions = {}): Promise<UploadedSources> {
  if (files.length === 0) throw new RemoteError({ name: 'NothingToImportError', message: 'Nothing to upload: the drop held no files' });
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const base = opts.baseUrl ?? window.location.origin;
  const uploadId = opts.uploadId ?? newUploadId();
  const totalBytes = files.reduce((n, f) => n + f.file.size, 0);
  let bytes = 0;
  let uploadDir = '';
  const topLevel = new Set<string>();
  for (const [i, source] of files.entries()) {
    opts.onProgress?.({ files: i, totalFiles: files.length, bytes, totalBytes, current: source.relativePath });
    const url = new URL('/api/upload', base);
    url.searchParams.set('upload', uploadId);
    url.searchParams.set('path', source.relativePath);
    let res: Response;
    try {
      res = await doFetch(url.href, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: source.file,
        credentials: 'same-origin',
        signal: opts.signal,
      });
    } catch (err) {
      if (opts.signal?.aborted) throw new RemoteError({ name: 'UploadCancelledError', message: `Upload cancelled at ${source.relativePath}` });
      throw new RemoteError({ name: 'ConnectionError', message: `Could not upload ${source.relativePath}: ${(err as Error).message}` });
    }
    const text = await res.text();
    let result: CallResult | null = null;
    try {
      result = JSON.parse(text) as CallResult;
    } catch {
      // not JSON: a 401 page or a proxy error, reported below with its status
    }
    if (!result || !('ok' in result)) {
      throw new RemoteError({ name: 'HttpError', message: `Uploading ${source.relativePath} failed: HTTP ${res.status} ${text.slice(0, 200)}` });
    }
    if (!result.ok) throw new RemoteError(result.error);
    const stored = result.value as { uploadDir: string; file: string };
    uploadDir = stored.uploadDir;
    topLevel.add(topLevelPath(stored.file, source.relativePath));
    bytes += source.file.size;
  }
  opts.onProgress?.({ files: files.length, totalFiles: files.length, bytes, totalBytes, current: '' });
  return { uploadDir, topLevel: [...topLevel] };
}
