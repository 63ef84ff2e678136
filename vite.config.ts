import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { contentSecurityPolicy } from './shared/csp.ts';

// Under file:// (Electron) there are no response headers, so the built page carries its CSP in a
// meta tag too. Web mode adds the same policy (with its exact port) as a header. Build only:
// the dev server needs inline scripts for hot reload.
const CSP = contentSecurityPolicy(['ws://127.0.0.1:*', 'ws://localhost:*'], { frameAncestors: false });

const cspMeta = (): Plugin => ({
  name: 'genq-csp-meta',
  apply: 'build',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
});

// The renderer is a static bundle served by Electron (file://) or by web mode (http://127.0.0.1).
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react(), cspMeta()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
});
