import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiContract } from '../../../shared/api.js';
import { createClient } from '../../../shared/client.js';
import { RemoteError } from '../../../shared/contract.js';
import { createWebTransport, type WebSocketLike } from '../../../src-renderer/api/web-transport.js';
import { startWebServer, type WebServer } from '../../../src-main/server/web.js';
import { fakeServices, makeStaticDir } from '../../src-main/server/helpers.js';

let server: WebServer;
let services: ReturnType<typeof fakeServices>;

beforeAll(async () => {
  services = fakeServices();
  server = await startWebServer({ services, port: 0, staticDir: makeStaticDir() });
});
afterAll(() => server.close());

const baseUrl = () => `http://127.0.0.1:${server.port}`;

describe('web transport against the real web server', () => {
  it('calls methods and rebuilds errors as RemoteError {name, message}', async () => {
    const transport = createWebTransport({ baseUrl: baseUrl(), token: server.token, WebSocket: WebSocket as never });
    const api = createClient(apiContract, transport);
    expect((await api.app.info({})).name).toBe('GenQ Workbench');
    const err = await api.jobs.get({ id: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).name).toBe('ValidationError');
    expect((err as RemoteError).message).toContain('jobs.get');
    transport.close();
  });

  it('turns a 401 into an UnauthorizedError result instead of throwing', async () => {
    const transport = createWebTransport({ baseUrl: baseUrl(), token: 'wrong', WebSocket: WebSocket as never });
    const res = await transport.call('app', 'info', {});
    expect(res).toEqual({ ok: false, error: expect.objectContaining({ name: 'UnauthorizedError' }) });
    transport.close();
  });

  it('reports an unreachable server as a ConnectionError result', async () => {
    const transport = createWebTransport({ baseUrl: 'http://127.0.0.1:1', token: 'x', WebSocket: WebSocket as never });
    const res = await transport.call('app', 'info', {});
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error.name).toBe('ConnectionError');
  });

  it('delivers pushed events to typed handlers', async () => {
    const transport = createWebTransport({ baseUrl: baseUrl(), token: server.token, WebSocket: WebSocket as never });
    const api = createClient(apiContract, transport);
    const opened = new Promise<void>((resolve) => transport.onConnectionChange((s) => s === 'open' && resolve()));
    const got = new Promise<unknown>((resolve) => api.projects.onChanged(resolve));
    await opened;
    const info = { dir: '/tmp/p', name: 'p', schemaVersion: 1, createdAt: '2026-01-01T00:00:00Z' };
    services.events.emit('projects', 'onChanged', info);
    expect(await got).toEqual(info);
    transport.close();
  });
});

describe('web transport reconnects', () => {
  class FakeSocket implements WebSocketLike {
    static all: FakeSocket[] = [];
    onopen: ((ev: unknown) => void) | null = null;
    onmessage: ((ev: { data: unknown }) => void) | null = null;
    onclose: ((ev: unknown) => void) | null = null;
    onerror: ((ev: unknown) => void) | null = null;
    constructor(readonly url: string) {
      FakeSocket.all.push(this);
    }
    close() {
      this.onclose?.({});
    }
  }

  it('opens a new socket with backoff after a drop and keeps delivering to the same listener', async () => {
    FakeSocket.all = [];
    const transport = createWebTransport({
      baseUrl: 'http://127.0.0.1:5555',
      token: 'tok',
      WebSocket: FakeSocket,
      reconnectDelayMs: { min: 5, max: 20 },
    });
    const states: string[] = [];
    transport.onConnectionChange((s) => states.push(s));
    const seen: unknown[] = [];
    transport.subscribe((m) => seen.push(m.payload));
    expect(FakeSocket.all).toHaveLength(1);
    expect(FakeSocket.all[0].url).toBe('ws://127.0.0.1:5555/api/events?token=tok');
    FakeSocket.all[0].onopen?.({});
    FakeSocket.all[0].onmessage?.({ data: JSON.stringify({ service: 's', event: 'e', payload: 1 }) });
    FakeSocket.all[0].onclose?.({}); // server went away
    await new Promise((r) => setTimeout(r, 40));
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1].onopen?.({});
    FakeSocket.all[1].onmessage?.({ data: 'not json' });
    FakeSocket.all[1].onmessage?.({ data: JSON.stringify({ service: 's', event: 'e', payload: 2 }) });
    expect(seen).toEqual([1, 2]);
    expect(states).toEqual(['connecting', 'open', 'closed', 'connecting', 'open']);
    transport.close();
    await new Promise((r) => setTimeout(r, 40));
    expect(FakeSocket.all).toHaveLength(2); // closed on purpose: no retry
  });
});
