#!/usr/bin/env node
// The `genq` command: runs the compiled CLI from dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src-main/cli/genq.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('genq: run `npm run build` first (dist/src-main/cli/genq.js is missing)');
  process.exit(1);
}
await import(entry.href);
