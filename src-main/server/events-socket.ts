// WebSocket /api/events: every EventBus message goes to every connected page as JSON text.
// Authentication happens in web.ts before the upgrade is accepted.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventMessage } from '../../shared/contract.js';

/** A page that stops reading must not make the server buffer without bound. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;

export interface EventSource {
  subscribe(listener: (message: EventMessage) => void): () => void;
}

export interface EventsSocket {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
  readonly clientCount: number;
}

export function createEventsSocket(events: EventSource): EventsSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const alive = new WeakMap<WebSocket, boolean>();

  wss.on('connection', (ws) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    // The page only listens; anything it sends is ignored.
    ws.on('message', () => {});
    const unsubscribe = events.subscribe((message) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(1013, 'client is not reading events');
        return;
      }
      ws.send(JSON.stringify(message));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
  });

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, PING_INTERVAL_MS);
  pinger.unref();

  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    get clientCount() {
      return wss.clients.size;
    },
    close() {
      clearInterval(pinger);
      for (const ws of wss.clients) ws.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}
