// Electron transport: everything goes through the preload's contextBridge object. The page never
// sees ipcRenderer; main checks that calls come from our own file:// page.
import type { GenqBridge } from '../../shared/bridge.js';
import type { ClientTransport } from '../../shared/client.js';

export function createIpcTransport(bridge: GenqBridge): ClientTransport {
  return {
    async call(service, method, input) {
      try {
        return await bridge.call(service, method, input);
      } catch (err) {
        // invoke() itself failed (main has no handler, window closing): still a CallResult.
        return { ok: false, error: { name: 'IpcError', message: `${service}.${method}: ${(err as Error)?.message ?? err}` } };
      }
    },
    subscribe: (listener) => bridge.subscribe(listener),
  };
}
