// POST /api/call: a JSON {service, method, input} body in, the dispatcher's CallResult out.
// Transport problems (size, content type, bad JSON) get an HTTP status; API errors are a
// CallResult with ok:false and HTTP 200, exactly as over IPC.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallResult, WireError } from '../../shared/contract.js';
import type { Dispatcher } from '../core/api/dispatch.js';

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly wire: WireError,
  ) {
    super(wire.message);
  }
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = () =>
      new HttpError(413, {
        name: 'PayloadTooLargeError',
        message: `Request body exceeds the web server's limit of ${maxBytes} bytes`,
      });
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(tooLarge());
      req.resume(); // drain so the 413 can still be written
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(tooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseCall(body: Buffer): { service: string; method: string; input: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, { name: 'BadRequestError', message: `Request body is not valid JSON: ${(err as Error).message}` });
  }
  const p = parsed as { service?: unknown; method?: unknown; input?: unknown } | null;
  if (!p || typeof p !== 'object' || typeof p.service !== 'string' || typeof p.method !== 'string') {
    throw new HttpError(400, {
      name: 'BadRequestError',
      message: 'Request body must be a JSON object {service: string, method: string, input?: unknown}',
    });
  }
  return { service: p.service, method: p.method, input: p.input };
}

/** A CallResult answer (never cached). */
export function sendJson(res: ServerResponse, status: number, body: CallResult, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export async function handleApiCall(
  req: IncomingMessage,
  res: ServerResponse,
  opts: { dispatch: Dispatcher; maxBodyBytes: number; headers: Record<string, string> },
): Promise<void> {
  try {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw new HttpError(405, { name: 'MethodNotAllowedError', message: '/api/call accepts POST only' });
    }
    const type = req.headers['content-type'] ?? '';
    // Requiring JSON also stops HTML forms (which cannot send it) from reaching the API.
    if (!/^application\/json\b/i.test(type)) {
      throw new HttpError(415, { name: 'UnsupportedMediaTypeError', message: '/api/call needs Content-Type: application/json' });
    }
    const call = parseCall(await readBody(req, opts.maxBodyBytes));
    const result = await opts.dispatch(call.service, call.method, call.input);
    sendJson(res, 200, result, opts.headers);
  } catch (err) {
    if (err instanceof HttpError) {
      if (err.status === 413) res.setHeader('Connection', 'close');
      sendJson(res, err.status, { ok: false, error: err.wire }, opts.headers);
      return;
    }
    sendJson(res, 500, { ok: false, error: { name: 'InternalError', message: String((err as Error)?.message ?? err) } }, opts.headers);
  }
}
