import { z } from 'zod';
import { method } from '../contract.js';

export interface AppInfo {
  name: string;
  version: string;
  /** Which way in serves this renderer. The renderer only uses this to hide native-only controls. */
  mode: 'electron' | 'web';
  platform: string;
  nativeDialogs: boolean;
}

export const appContract = {
  info: method<AppInfo>()(z.object({})),
  /** Native folder picker (Electron only); null when cancelled or unavailable. */
  chooseDirectory: method<string | null>()(z.object({ title: z.string().max(200).optional() })),
};
