// Sandboxed preload: exposes only `window.genqBridge` ({call, subscribe}) to the page. esbuild
// bundles it to dist/preload/preload.cjs because a sandboxed preload cannot require local files.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC_CHANNELS, type GenqBridge } from '../../shared/bridge.js';
import type { CallResult, EventMessage } from '../../shared/contract.js';

const listeners = new Set<(message: EventMessage) => void>();
let readySent = false;

ipcRenderer.on(IPC_CHANNELS.event, (_event, message: EventMessage) => {
  for (const listener of [...listeners]) listener(message);
});

const bridge: GenqBridge = {
  call: (service, method, input) => ipcRenderer.invoke(IPC_CHANNELS.call, { service, method, input }) as Promise<CallResult>,
  subscribe(listener) {
    listeners.add(listener);
    // The page is ready once something listens: main then flushes what it queued during load.
    if (!readySent) {
      readySent = true;
      ipcRenderer.send(IPC_CHANNELS.ready);
    }
    return () => {
      listeners.delete(listener);
    };
  },
  // Sandboxed pages no longer see File.path; this is how drops and pickers get real paths.
  pathForFile: (file) => webUtils.getPathForFile(file as File),
};

contextBridge.exposeInMainWorld('genqBridge', bridge);
