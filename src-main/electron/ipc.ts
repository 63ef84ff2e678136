// Main-process side of the Electron bridge, written against a small interface so tests can drive
// it with a fake ipcMain. Calls are answered only for our own page; pushed events wait in a
// bounded queue until the page says it is listening, then flow straight through.
import { IPC_CHANNELS } from '../../shared/bridge.js';
import type { CallResult, EventMessage } from '../../shared/contract.js';
import { toWireError } from '../../shared/contract.js';
import type { Dispatcher } from '../core/api/dispatch.js';

/** What ipcMain handlers receive that the bridge looks at. */
export interface IpcSenderEvent {
  senderFrame: { url: string; parent?: unknown } | null;
}

/** The subset of Electron's ipcMain the bridge needs. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown;
}

export interface IpcBridgeOptions {
  ipc: IpcMainLike;
  dispatch: Dispatcher;
  events: { subscribe(listener: (message: EventMessage) => void): () => void };
  isTrustedSender(event: IpcSenderEvent): boolean;
  /** Delivers one event to the page (webContents.send on the event channel). */
  send(message: EventMessage): void;
  /** Events kept while the page is not ready; the oldest are dropped beyond this. */
  maxQueued?: number;
}

export interface IpcBridge {
  /** The page is reloading: queue again until it signals ready. */
  resetReady(): void;
  readonly queuedCount: number;
  detach(): void;
}

export class UntrustedSenderError extends Error {
  override name = 'UntrustedSenderError';
}

function parseCall(args: unknown[]): { service: string; method: string; input: unknown } | null {
  const msg = args[0] as { service?: unknown; method?: unknown; input?: unknown } | null | undefined;
  if (!msg || typeof msg !== 'object' || typeof msg.service !== 'string' || typeof msg.method !== 'string') return null;
  return { service: msg.service, method: msg.method, input: msg.input };
}

export function attachIpcBridge(opts: IpcBridgeOptions): IpcBridge {
  const maxQueued = opts.maxQueued ?? 10_000;
  const queue: EventMessage[] = [];
  let ready = false;

  const onCall = async (event: IpcSenderEvent, ...args: unknown[]): Promise<CallResult> => {
    if (!opts.isTrustedSender(event)) {
      const where = event.senderFrame?.url ?? 'an unknown frame';
      return { ok: false, error: toWireError(new UntrustedSenderError(`API call refused: it came from ${where}, not the GenQ window`)) };
    }
    const call = parseCall(args);
    if (!call) {
      return { ok: false, error: { name: 'BadRequestError', message: 'IPC call must be {service: string, method: string, input?: unknown}' } };
    }
    try {
      return await opts.dispatch(call.service, call.method, call.input);
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  };

  const onReady = (event: IpcSenderEvent) => {
    if (!opts.isTrustedSender(event)) return;
    ready = true;
    for (const message of queue.splice(0)) opts.send(message);
  };

  const unsubscribe = opts.events.subscribe((message) => {
    if (ready) {
      opts.send(message);
      return;
    }
    queue.push(message);
    if (queue.length > maxQueued) queue.shift();
  });

  opts.ipc.handle(IPC_CHANNELS.call, onCall);
  opts.ipc.on(IPC_CHANNELS.ready, onReady);

  return {
    resetReady() {
      ready = false;
    },
    get queuedCount() {
      return queue.length;
    },
    detach() {
      unsubscribe();
      opts.ipc.removeHandler(IPC_CHANNELS.call);
      opts.ipc.removeListener(IPC_CHANNELS.ready, onReady);
      queue.length = 0;
    },
  };
}
