// Web mode: the built renderer plus the API on 127.0.0.1 only, guarded by a per-launch token.
// `genq serve` calls startWebServer; the printed URL (with ?token=) is the only way in.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { EventMessage } from '../../shared/contract.js';
import type { Dispatcher } from '../core/api/dispatch.js';
import { DEFAULT_MAX_BODY_BYTES, handleApiCall } from './api-call.js';
import { createRequestAuth, createToken, type RequestAuth } from './auth.js';
import { handleDownload } from './download.js';
import { createEventsSocket } from './events-socket.js';
import { createFileAccessPolicy, guardDispatcher } from './file-access.js';
import { securityHeaders } from './headers.js';
import { createStaticFiles } from './static-files.js';
import { DEFAULT_MAX_UPLOAD_BYTES, handleUpload } from './upload.js';

/** The part of the composition root's Services that web mode needs. */
export interface WebServices {
  dispatch: Dispatcher;
  events: { subscribe(listener: (message: EventMessage) => void): () => void };
  /** The open project, whose folder receives /api/upload files (absent: uploads are refused). */
  projects?: { readonly current: { project: { dir: string } } | null };
}

export interface WebServerOptions {
  services: WebServices;
  /** 0 or absent: a random free port. */
  port?: number;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  maxBodyBytes?: number;
  /** Largest single file /api/upload accepts. */
  maxUploadBytes?: number;
  /**
   * Folders a browser may read and write besides the open project's (`genq serve --allow-dir`);
   * every other path in an API input is refused (see file-access.ts).
   */
  allowDirs?: readonly string[];
  /** Folders a browser may read but not write (the Hub model cache). */
  readOnlyDirs?: readonly string[];
}

export interface WebServer {
  /** http://127.0.0.1:<port>/?token=… */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function plainError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(message);
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = createToken();
  const staticFiles = createStaticFiles(opts.staticDir);
  const eventsSocket = createEventsSocket(opts.services.events);
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const currentProjectDir = () => opts.services.projects?.current?.project.dir ?? null;
  const fileAccess = createFileAccessPolicy({ allowDirs: opts.allowDirs ?? [], readOnlyDirs: opts.readOnlyDirs, projectDir: currentProjectDir });
  const dispatch = guardDispatcher(opts.services.dispatch, fileAccess);
  // The port is only known after listen(); requests cannot arrive before then.
  let auth: RequestAuth;
  let headers: Record<string, string>;

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A rebinding attack reaches us with the attacker's host name: only loopback names pass.
    if (!auth.hostAllowed(req.headers.host)) return plainError(res, 403, 'Forbidden: unexpected Host header');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const isApi = url.pathname.startsWith('/api/');
    const unsafeMethod = req.method !== 'GET' && req.method !== 'HEAD';
    if ((isApi || unsafeMethod) && !auth.originAllowed(req.headers.origin)) {
      return plainError(res, 403, 'Forbidden: cross-origin request', headers);
    }
    const credential = auth.credential(req, url);
    if (!credential) {
      return plainError(res, 401, 'Unauthorized: open the URL printed by `genq serve` (it carries ?token=…)', {
        ...headers,
        'WWW-Authenticate': 'Bearer',
      });
    }
    if (credential === 'query' && !isApi && req.method === 'GET') {
      // First page load: trade the URL token for a cookie and drop it from the address bar/history.
      url.searchParams.delete('token');
      res.writeHead(303, {
        ...headers,
        'Set-Cookie': auth.setCookieHeader(),
        Location: url.pathname + url.search,
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    if (url.pathname === '/api/call') return handleApiCall(req, res, { dispatch, maxBodyBytes, headers });
    if (url.pathname === '/api/upload') {
      return handleUpload(req, res, url, { projectDir: currentProjectDir(), maxBytes: opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES, headers });
    }
    if (url.pathname === '/api/download') return handleDownload(req, res, url, { policy: fileAccess, headers });
    if (isApi) return plainError(res, 404, `Not found: ${url.pathname}`, headers);
    if (unsafeMethod) {
      res.setHeader('Allow', 'GET, HEAD');
      return plainError(res, 405, 'Method not allowed', headers);
    }
    // The raw path, not url.pathname: URL parsing silently resolves "..", which would hide an attack.
    const rawPath = (req.url ?? '/').split('?')[0].split('#')[0];
    const result = await staticFiles.serve(req, res, rawPath, headers);
    if (result === 'forbidden') plainError(res, 400, 'Bad request: path outside the app', headers);
    else if (result === 'not-found') plainError(res, 404, `Not found: ${url.pathname}`, headers);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (!auth.hostAllowed(req.headers.host)) return rejectUpgrade(socket, 403, 'Forbidden');
    // Browsers always send Origin on WebSocket handshakes; only our own page may connect.
    if (!auth.originAllowed(req.headers.origin)) return rejectUpgrade(socket, 403, 'Forbidden');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname !== '/api/events') return rejectUpgrade(socket, 404, 'Not Found');
    if (!auth.credential(req, url)) return rejectUpgrade(socket, 401, 'Unauthorized');
    eventsSocket.handleUpgrade(req, socket, head);
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      if (!res.headersSent) plainError(res, 500, `Internal error: ${(err as Error)?.message ?? err}`);
      else res.destroy();
    });
  });
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  auth = createRequestAuth(token, port);
  headers = securityHeaders(port);

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      await eventsSocket.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
