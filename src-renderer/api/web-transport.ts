// Web mode transport: calls are POSTs to /api/call, events arrive on one WebSocket that
// reconnects with backoff. In the browser the HttpOnly cookie authenticates both; other callers
// (tests, scripts) pass the token, sent as a Bearer header and as ?token= on the socket.
import type { CallResult, EventMessage, Unsubscribe } from '../../shared/contract.js';
import type { ClientTransport } from '../../shared/client.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** The parts of the DOM WebSocket this transport uses (the `ws` package satisfies it too). */
export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}

export interface WebTransportOptions {
  /** http://127.0.0.1:port — defaults to the page's origin. */
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
  WebSocket?: new (url: string) => WebSocketLike;
  /** Reconnect delays grow from min to max (ms). */
  reconnectDelayMs?: { min: number; max: number };
}

export interface WebTransport extends ClientTransport {
  /** Fires on every socket state change; 'open' after a drop means events may have been missed. */
  onConnectionChange(listener: (state: ConnectionState) => void): Unsubscribe;
  close(): void;
}

function transportError(name: string, message: string): CallResult {
  return { ok: false, error: { name, message } };
}

export function createWebTransport(opts: WebTransportOptions): WebTransport {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const WS = opts.WebSocket ?? (globalThis.WebSocket as unknown as new (url: string) => WebSocketLike);
  const delays = opts.reconnectDelayMs ?? { min: 250, max: 5000 };
  const base = new URL(opts.baseUrl);
  const listeners = new Set<(m: EventMessage) => void>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let socket: WebSocketLike | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let closed = false;

  const setState = (s: ConnectionState) => {
    for (const l of [...stateListeners]) l(s);
  };

  function connect(): void {
    if (closed || socket) return;
    const url = new URL('/api/events', base);
    url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    if (opts.token) url.searchParams.set('token', opts.token);
    setState('connecting');
    const ws = new WS(url.href);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('open');
    };
    ws.onmessage = (ev) => {
      let message: EventMessage;
      try {
        message = JSON.parse(String(ev.data)) as EventMessage;
      } catch {
        return; // not ours; the server only sends JSON
      }
      for (const l of [...listeners]) l(message);
    };
    ws.onerror = () => {}; // onclose follows and schedules the retry
    ws.onclose = () => {
      socket = null;
      setState('closed');
      if (closed || listeners.size === 0) return;
      const delay = Math.min(delays.max, delays.min * 2 ** attempt++);
      retryTimer = setTimeout(() => {
        retryTimer = null;
        connect();
      }, delay);
    };
  }

  return {
    async call(service, method, input) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
      let res: Response;
      try {
        res = await doFetch(new URL('/api/call', base).href, {
          method: 'POST',
          headers,
          body: JSON.stringify({ service, method, input }),
          credentials: 'same-origin',
        });
      } catch (err) {
        return transportError('ConnectionError', `Cannot reach the GenQ server at ${base.origin}: ${(err as Error).message}`);
      }
      const text = await res.text();
      try {
        const parsed = JSON.parse(text) as CallResult;
        if (parsed && typeof parsed === 'object' && 'ok' in parsed) return parsed;
      } catch {
        // fall through: not a CallResult (e.g. a 401 page)
      }
      if (res.status === 401) {
        return transportError('UnauthorizedError', 'The server rejected this page\u2019s token; open the URL printed by `genq serve` again');
      }
      return transportError('HttpError', `${service}.${method}: HTTP ${res.status} ${text.slice(0, 200)}`);
    },
    subscribe(listener) {
      listeners.add(listener);
      connect();
      return () => {
        listeners.delete(listener);
      };
    },
    onConnectionChange(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close();
      socket = null;
    },
  };
}
