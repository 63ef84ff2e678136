import { describe, expect, it } from 'vitest';
import { apiContract } from '../../../shared/api.js';
import type { GenqBridge } from '../../../shared/bridge.js';
import { createClient } from '../../../shared/client.js';
import type { EventMessage } from '../../../shared/contract.js';
import { createIpcTransport } from '../../../src-renderer/api/ipc-transport.js';

function fakeBridge(answer: GenqBridge['call']) {
  const listeners = new Set<(m: EventMessage) => void>();
  const bridge: GenqBridge = {
    call: answer,
    pathForFile: () => '',
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { bridge, push: (m: EventMessage) => listeners.forEach((l) => l(m)), listeners };
}

describe('ipc transport over a fake preload bridge', () => {
  it('passes calls through and returns values', async () => {
    const calls: unknown[] = [];
    const { bridge } = fakeBridge(async (service, method, input) => {
      calls.push([service, method, input]);
      return { ok: true, value: { name: 'GenQ Workbench', mode: 'electron' } };
    });
    const api = createClient(apiContract, createIpcTransport(bridge));
    expect(await api.app.info({})).toMatchObject({ mode: 'electron' });
    expect(calls).toEqual([['app', 'info', {}]]);
  });

  it('rejects with the remote {name, message} and maps a failed invoke to IpcError', async () => {
    const remote = createClient(apiContract, createIpcTransport(fakeBridge(async () => ({ ok: false, error: { name: 'NotFoundError', message: 'gone' } })).bridge));
    await expect(remote.jobs.get({ id: 1 })).rejects.toMatchObject({ name: 'NotFoundError', message: 'gone' });
    const broken = createClient(apiContract, createIpcTransport(fakeBridge(async () => {
      throw new Error("No handler registered for 'genq:call'");
    }).bridge));
    await expect(broken.app.info({})).rejects.toMatchObject({ name: 'IpcError', message: expect.stringContaining('app.info') });
  });

  it('routes pushed events to the matching typed handler only', () => {
    const fake = fakeBridge(async () => ({ ok: true, value: null }));
    const api = createClient(apiContract, createIpcTransport(fake.bridge));
    const updates: unknown[] = [];
    const stop = api.jobs.onUpdate((j) => updates.push(j.id));
    fake.push({ service: 'jobs', event: 'onUpdate', payload: { id: 3 } });
    fake.push({ service: 'jobs', event: 'onLog', payload: { id: 4 } });
    stop();
    fake.push({ service: 'jobs', event: 'onUpdate', payload: { id: 5 } });
    expect(updates).toEqual([3]);
  });
});
