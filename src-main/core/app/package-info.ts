// Finds the package root (the folder holding our package.json) from this file's location,
// which works both from source (src-main/core/app) and from dist (dist/src-main/core/app).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  root: string;
  name: string;
  version: string;
  productName: string;
}

const PACKAGE_NAME = 'genq-workbench';
let cached: PackageInfo | null = null;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME) {
        cached = { root: dir, name: PACKAGE_NAME, version: pkg.version ?? '0.0.0', productName: 'GenQ Workbench' };
        return cached;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Could not find the ${PACKAGE_NAME} package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
