import { describe, expect, it } from 'vitest';
import { apiContract, type ApiContractType, type GenqApiImpl } from '../../../shared/api.js';
import { IPC_CHANNELS } from '../../../shared/bridge.js';
import type { EventMessage } from '../../../shared/contract.js';
import { createDispatcher } from '../../../src-main/core/api/dispatch.js';
import { EventBus } from '../../../src-main/core/api/events.js';
import { attachIpcBridge, type IpcMainLike, type IpcSenderEvent } from '../../../src-main/electron/ipc.js';
import { isTrustedRendererUrl } from '../../../src-main/electron/security.js';

const INDEX = 'file:///opt/genq/resources/app.asar/dist/renderer/index.html';
type Listener = (event: IpcSenderEvent, ...args: unknown[]) => unknown;

/** A fake ipcMain: records handlers so the test can play the renderer. */
function fakeIpc() {
  const handlers = new Map<string, Listener>();
  const listeners = new Map<string, Set<Listener>>();
  const ipc: IpcMainLike = {
    handle: (ch, fn) => {
      if (handlers.has(ch)) throw new Error(`second handler for ${ch}`);
      handlers.set(ch, fn);
    },
    removeHandler: (ch) => handlers.delete(ch),
    on: (ch, fn) => (listeners.get(ch) ?? listeners.set(ch, new Set()).get(ch)!).add(fn),
    removeListener: (ch, fn) => listeners.get(ch)?.delete(fn),
  };
  const frame = (url: string): IpcSenderEvent => ({ senderFrame: { url, parent: null } });
  return {
    ipc,
    handlers,
    invoke: (url: string, ...args: unknown[]) => handlers.get(IPC_CHANNELS.call)!(frame(url), ...args),
    send: (url: string, ch: string) => listeners.get(ch)?.forEach((l) => l(frame(url))),
  };
}

function setup() {
  const impl = {
    app: { info: () => ({ name: 'GenQ Workbench', version: '0', mode: 'electron', platform: 'linux', nativeDialogs: true }) },
    jobs: {
      cancel: () => {
        throw Object.assign(new Error('Job 9 is not running'), { name: 'JobStateError' });
      },
      kinds: () => {
        throw 'a thrown string';
      },
    },
  } as unknown as GenqApiImpl;
  const events = new EventBus<ApiContractType>();
  const fake = fakeIpc();
  const sent: EventMessage[] = [];
  const bridge = attachIpcBridge({
    ipc: fake.ipc,
    dispatch: createDispatcher(apiContract, impl),
    events,
    isTrustedSender: (e) => isTrustedRendererUrl(e.senderFrame?.url, INDEX),
    send: (m) => sent.push(m),
    maxQueued: 3,
  });
  return { fake, events, sent, bridge };
}

describe('attachIpcBridge', () => {
  it('answers calls from our own page, any hash route', async () => {
    const { fake } = setup();
    const res = await fake.invoke(`${INDEX}#/corpus`, { service: 'app', method: 'info', input: {} });
    expect(res).toEqual({ ok: true, value: expect.objectContaining({ mode: 'electron' }) });
  });

  it('refuses calls from other frames: remote pages, other local files', async () => {
    const { fake } = setup();
    for (const url of ['https://evil.example/', 'file:///tmp/evil.html', 'http://127.0.0.1:5173/']) {
      const res = (await fake.invoke(url, { service: 'app', method: 'info', input: {} })) as { ok: boolean; error: { name: string; message: string } };
      expect(res.ok, url).toBe(false);
      expect(res.error.name).toBe('UntrustedSenderError');
      expect(res.error.message).toContain(url);
    }
  });

  it('maps validation errors, service errors, thrown non-errors and malformed messages to {name, message}', async () => {
    const { fake } = setup();
    const call = (msg: unknown) => fake.invoke(INDEX, msg) as Promise<{ ok: false; error: { name: string; message: string } }>;
    expect((await call({ service: 'jobs', method: 'cancel', input: { id: 'x' } })).error.name).toBe('ValidationError');
    expect((await call({ service: 'jobs', method: 'cancel', input: { id: 9 } })).error).toEqual({ name: 'JobStateError', message: 'Job 9 is not running' });
    expect((await call({ service: 'jobs', method: 'kinds', input: {} })).error).toEqual({ name: 'Error', message: 'a thrown string' });
    expect((await call({ service: 'nope', method: 'x' })).error.name).toBe('UnknownMethodError');
    expect((await call('not an object')).error.name).toBe('BadRequestError');
  });

  it('queues events until the page signals ready, then flushes in order and streams', () => {
    const { fake, events, sent, bridge } = setup();
    events.emit('projects', 'onChanged', null);
    events.emit('jobs', 'onLog', { jobId: 1, time: 't', level: 'info', message: 'a' });
    expect(sent).toEqual([]);
    expect(bridge.queuedCount).toBe(2);
    fake.send('https://evil.example/', IPC_CHANNELS.ready); // ignored: not our page
    expect(sent).toEqual([]);
    fake.send(INDEX, IPC_CHANNELS.ready);
    expect(sent.map((m) => `${m.service}.${m.event}`)).toEqual(['projects.onChanged', 'jobs.onLog']);
    expect(bridge.queuedCount).toBe(0);
    events.emit('projects', 'onChanged', null);
    expect(sent).toHaveLength(3);
  });

  it('queues again after a reload and bounds the queue, dropping the oldest', () => {
    const { fake, events, sent, bridge } = setup();
    fake.send(INDEX, IPC_CHANNELS.ready);
    bridge.resetReady();
    for (let i = 1; i <= 5; i++) events.emit('jobs', 'onLog', { jobId: i, time: 't', level: 'info', message: String(i) });
    expect(bridge.queuedCount).toBe(3);
    fake.send(INDEX, IPC_CHANNELS.ready);
    expect(sent.map((m) => (m.payload as { jobId: number }).jobId)).toEqual([3, 4, 5]);
  });

  it('detach removes the handlers and stops forwarding', () => {
    const { fake, events, sent, bridge } = setup();
    fake.send(INDEX, IPC_CHANNELS.ready);
    bridge.detach();
    events.emit('projects', 'onChanged', null);
    expect(sent).toEqual([]);
    expect(fake.handlers.has(IPC_CHANNELS.call)).toBe(false);
  });
});
