// How tests start the genq CLI in a child process. `npm test` builds dist/ first, and the compiled
// CLI (what bin/genq.js and the packaged app run) starts in ~1.2 s where the same command through
// tsx takes ~2.7 s, and its job workers skip tsx too: with ~150 CLI children in the suite that is
// minutes of CI. A dist older than any source file (a plain `npx vitest` after an edit) is not
// used, so a test never runs stale code. GENQ_TEST_CLI=source or =dist forces one.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_ENTRY = join(repoRoot, 'src-main/cli/genq.ts');
const DIST_ENTRY = join(repoRoot, 'dist/src-main/cli/genq.js');

let chosen: string[] | null = null;

/** Node arguments that start the CLI: append the command and its flags. */
export function genqNodeArgs(): string[] {
  chosen ??= useDist() ? [DIST_ENTRY] : ['--import', 'tsx', SOURCE_ENTRY];
  return chosen;
}

function useDist(): boolean {
  const forced = process.env.GENQ_TEST_CLI;
  if (forced === 'source') return false;
  if (forced === 'dist') {
    if (!existsSync(DIST_ENTRY)) throw new Error(`GENQ_TEST_CLI=dist but ${DIST_ENTRY} is missing: run npm run build:main`);
    return true;
  }
  if (!existsSync(DIST_ENTRY)) return false;
  const built = statSync(DIST_ENTRY).mtimeMs;
  return newestSource(join(repoRoot, 'src-main')) < built && newestSource(join(repoRoot, 'shared')) < built;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}
