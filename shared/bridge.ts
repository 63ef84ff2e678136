// What the Electron preload exposes to the renderer as `window.genqBridge`, and the IPC channel
// names both sides use. Types only plus string constants: no Node, DOM or Electron here.
import type { CallResult, EventMessage, Unsubscribe } from './contract.js';

export const IPC_CHANNELS = {
  /** renderer → main (invoke): one API call, answered with a CallResult. */
  call: 'genq:call',
  /** renderer → main (send): the page has a listener, queued events may be flushed. */
  ready: 'genq:ready',
  /** main → renderer (send): one pushed EventMessage. */
  event: 'genq:event',
} as const;

export interface GenqBridge {
  call(service: string, method: string, input: unknown): Promise<CallResult>;
  subscribe(listener: (message: EventMessage) => void): Unsubscribe;
  /**
   * The real filesystem path of a dropped or picked file or folder (Electron's
   * webUtils.getPathForFile); '' when it has none. `file` is a DOM File, typed loosely because
   * shared/ cannot use DOM types.
   */
  pathForFile(file: unknown): string;
}
