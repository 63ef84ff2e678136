// The one API object the renderer uses. Which transport carries it (Electron IPC or web mode)
// is decided here once; nothing else in the renderer knows.
import { apiContract, type GenqApi } from '../../shared/api.js';
import type { GenqBridge } from '../../shared/bridge.js';
import { createClient, type ClientTransport } from '../../shared/client.js';
import { createIpcTransport } from './ipc-transport.js';
import { createWebTransport, type ConnectionState } from './web-transport.js';

declare global {
  interface Window {
    genqBridge?: GenqBridge;
  }
}

type ConnectionListener = (state: ConnectionState) => void;

function pick(): { transport: ClientTransport; onConnectionChange: (l: ConnectionListener) => () => void } {
  if (window.genqBridge) {
    // IPC never drops while the window lives.
    return { transport: createIpcTransport(window.genqBridge), onConnectionChange: () => () => {} };
  }
  const web = createWebTransport({ baseUrl: window.location.origin });
  return { transport: web, onConnectionChange: (l) => web.onConnectionChange(l) };
}

const picked = pick();

export const api: GenqApi = createClient(apiContract, picked.transport);

/** Lets views re-fetch state after the event stream reconnects (events may have been missed). */
export const onConnectionChange = picked.onConnectionChange;
