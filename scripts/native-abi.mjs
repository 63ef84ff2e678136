#!/usr/bin/env node
// better-sqlite3 and hnswlib-node are V8-API addons: one build runs under either Node or
// Electron, not both. `npm ci` builds them for Node (tests, CLI, web mode); `npm start` needs them
// rebuilt against Electron's headers. This script switches the build when the target changes and
// records which one is in node_modules. (onnxruntime-node uses N-API and needs no rebuild.)
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const target = process.argv[2];
if (target !== 'node' && target !== 'electron') {
  console.error('usage: node scripts/native-abi.mjs node|electron');
  process.exit(2);
}
const marker = 'node_modules/.genq-native-abi';
const require = createRequire(import.meta.url);
const electronVersion = () => require('electron/package.json').version;
const wanted = target === 'node' ? `node-${process.versions.modules}` : `electron-${electronVersion()}`;
// A fresh `npm ci` leaves no marker and Node builds.
const current = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : `node-${process.versions.modules}`;
if (current === wanted) process.exit(0);

const run = (cmd) => {
  console.error(`[native-abi] ${cmd}`);
  execSync(cmd, { stdio: 'inherit' });
};
try {
  if (target === 'electron') {
    // Downloads Electron's headers once (needs internet), then rebuilds the V8 addons.
    run('npx electron-builder install-app-deps');
  } else {
    run('npm rebuild better-sqlite3 hnswlib-node');
  }
  writeFileSync(marker, `${wanted}\n`);
} catch (e) {
  console.error(`[native-abi] could not rebuild native modules for ${target}: ${e.message}`);
  process.exit(1);
}
