// app.* of the API: what the renderer needs to know about the process serving it.
import type { GenqApiImpl } from '../../../shared/api.js';
import { packageInfo } from './package-info.js';

export function createAppService(opts: {
  mode: 'electron' | 'web';
  chooseDirectory?: (title?: string) => Promise<string | null>;
}): GenqApiImpl['app'] {
  return {
    info: () => {
      const pkg = packageInfo();
      return {
        name: pkg.productName,
        version: pkg.version,
        mode: opts.mode,
        platform: process.platform,
        nativeDialogs: !!opts.chooseDirectory,
      };
    },
    chooseDirectory: async ({ title }) => (opts.chooseDirectory ? opts.chooseDirectory(title) : null),
  };
}
