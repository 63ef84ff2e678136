import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from '../../../src-main/server/web.js';
import { fakeServices, makeStaticDir, raw } from './helpers.js';

let server: WebServer;
let services: ReturnType<typeof fakeServices>;
let cookie: string;

beforeAll(async () => {
  services = fakeServices();
  server = await startWebServer({ services, port: 0, staticDir: makeStaticDir(), maxBodyBytes: 4096 });
});
afterAll(() => server.close());

const bearer = () => ({ authorization: `Bearer ${server.token}` });
const callBody = (service: string, method: string, input: unknown) => JSON.stringify({ service, method, input });

describe('startWebServer: listening and token', () => {
  it('listens on 127.0.0.1 and prints a URL carrying a 256-bit base64url token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 without a token and with a wrong one, for pages and the API', async () => {
    expect((await raw(server.port, { path: '/' })).status).toBe(401);
    expect((await raw(server.port, { path: '/?token=nope' })).status).toBe(401);
    expect((await raw(server.port, { path: '/assets/app.js' })).status).toBe(401);
    const wrongSameLength = server.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const res = await raw(server.port, {
      method: 'POST',
      path: '/api/call',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${wrongSameLength}` },
      body: callBody('app', 'info', {}),
    });
    expect(res.status).toBe(401);
    expect(res.body).not.toContain(server.token);
  });

  it('trades the URL token for an HttpOnly SameSite=Strict cookie, then serves pages and assets with it', async () => {
    const first = await raw(server.port, { path: `/?token=${server.token}` });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    cookie = setCookie.split(';')[0];

    const page = await raw(server.port, { path: '/', headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<div id="root">');
    const asset = await raw(server.port, { path: '/assets/app.js', headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await raw(server.port, { path: '/assets/app.css', headers: { cookie } });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('sends a strict CSP limited to our own origin and event socket', async () => {
    const page = await raw(server.port, { path: '/', headers: { cookie } });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(csp).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('startWebServer: request checks', () => {
  it('rejects foreign Host headers (DNS rebinding) even with a valid token', async () => {
    const res = await raw(server.port, { path: '/', headers: { host: `evil.example:${server.port}`, ...bearer() } });
    expect(res.status).toBe(403);
    const wrongPort = await raw(server.port, { path: '/', headers: { host: `127.0.0.1:1`, ...bearer() } });
    expect(wrongPort.status).toBe(403);
    const localhost = await raw(server.port, { path: '/', headers: { host: `localhost:${server.port}`, ...bearer() } });
    expect(localhost.status).toBe(200);
  });

  it('rejects API calls from another origin, even with the cookie', async () => {
    const res = await raw(server.port, {
      method: 'POST',
      path: '/api/call',
      headers: { cookie, origin: `http://127.0.0.1:${server.port + 1}`, 'content-type': 'application/json' },
      body: callBody('app', 'info', {}),
    });
    expect(res.status).toBe(403);
  });

  it('blocks directory traversal and dotfiles', async () => {
    const secret = '/..%2F' + encodeURIComponent('x'); // encoded slash
    for (const p of ['/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fpackage.json', secret, '/.env', '/a%00b']) {
      const res = await raw(server.port, { path: p, headers: { cookie } });
      expect(res.status, p).toBe(400);
      expect(res.body).not.toContain('secret');
    }
  });

  it('does not follow symlinks out of the static folder', async () => {
    const dir = makeStaticDir();
    symlinkSync(`${dir}-secret.txt`, path.join(dir, 'assets', 'link.txt'));
    const other = await startWebServer({ services, port: 0, staticDir: dir });
    try {
      const res = await raw(other.port, { path: '/assets/link.txt', headers: { authorization: `Bearer ${other.token}` } });
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('secret');
    } finally {
      await other.close();
    }
  });

  it('falls back to index.html for app routes but 404s missing assets', async () => {
    const route = await raw(server.port, { path: '/overview', headers: { cookie } });
    expect(route.status).toBe(200);
    expect(route.body).toContain('<div id="root">');
    expect((await raw(server.port, { path: '/assets/missing.js', headers: { cookie } })).status).toBe(404);
    expect((await raw(server.port, { path: '/api/nothing', headers: { cookie } })).status).toBe(404);
  });
});

describe('startWebServer: API over HTTP', () => {
  it('dispatches POST /api/call with a Bearer token', async () => {
    const res = await raw(server.port, {
      method: 'POST',
      path: '/api/call',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: callBody('app', 'info', {}),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: expect.objectContaining({ name: 'GenQ Workbench', mode: 'web' }) });
  });

  it('carries validation and service errors as {name, message}', async () => {
    const post = (body: string) =>
      raw(server.port, { method: 'POST', path: '/api/call', headers: { 'content-type': 'application/json', cookie }, body });
    const invalid = JSON.parse((await post(callBody('jobs', 'get', { id: -3 }))).body);
    expect(invalid.ok).toBe(false);
    expect(invalid.error.name).toBe('ValidationError');
    expect(invalid.error.message).toContain('jobs.get');
    expect(invalid.error.message).toContain('id');
    const notFound = JSON.parse((await post(callBody('jobs', 'get', { id: 7 }))).body);
    expect(notFound.error).toEqual({ name: 'NotFoundError', message: 'No job with id 7' });
    const unknown = JSON.parse((await post(callBody('nope', 'x', {}))).body);
    expect(unknown.error.name).toBe('UnknownMethodError');
    const badJson = await post('{not json');
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body).error.name).toBe('BadRequestError');
  });

  it('answers 413 with a clear error when the body is too large', async () => {
    const res = await raw(server.port, {
      method: 'POST',
      path: '/api/call',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: callBody('app', 'info', { pad: 'x'.repeat(10_000) }),
    });
    expect(res.status).toBe(413);
    const body = JSON.parse(res.body);
    expect(body.error.name).toBe('PayloadTooLargeError');
    expect(body.error.message).toContain('4096 bytes');
  });

  it('requires JSON content type', async () => {
    const res = await raw(server.port, { method: 'POST', path: '/api/call', headers: { 'content-type': 'text/plain', ...bearer() }, body: '{}' });
    expect(res.status).toBe(415);
  });
});

describe('startWebServer: event socket', () => {
  const wsUrl = (query = '') => `ws://127.0.0.1:${server.port}/api/events${query}`;
  const opened = (ws: WebSocket) =>
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });

  it('pushes every EventBus message to connected pages', async () => {
    const ws = new WebSocket(wsUrl(), { headers: { cookie }, origin: `http://127.0.0.1:${server.port}` });
    await opened(ws);
    const received = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    services.events.emit('projects', 'onChanged', null);
    expect(await received).toEqual({ service: 'projects', event: 'onChanged', payload: null });
    ws.close();
  });

  it('accepts the token as a query parameter (browsers cannot set headers on WebSockets)', async () => {
    const ws = new WebSocket(wsUrl(`?token=${server.token}`));
    await opened(ws);
    ws.close();
  });

  it('rejects sockets without a token, with a wrong token, or from another origin', async () => {
    await expect(opened(new WebSocket(wsUrl()))).rejects.toThrow('HTTP 401');
    await expect(opened(new WebSocket(wsUrl('?token=wrong')))).rejects.toThrow('HTTP 401');
    await expect(opened(new WebSocket(wsUrl(), { headers: { cookie }, origin: 'http://evil.example' }))).rejects.toThrow('HTTP 403');
  });
});
