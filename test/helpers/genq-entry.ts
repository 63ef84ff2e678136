// How tests start the genq CLI in a child process. `npm test` builds dist/ first, and the compiled
// CLI (what bin/genq.js and the packaged app run) starts in ~1.2 s where the same command through
// tsx takes ~2.7 s, and its job workers skip tsx too: with ~150 CLI children in the suite that is
// minutes of CI. A dist with any compiled file older than its source (a plain `npx vitest` after an
// edit) is not used, so a test never runs stale code. GENQ_TEST_CLI=source or =dist forces one.
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
  return existsSync(DIST_ENTRY) && compiled('src-main') && compiled('shared');
}

/** Every .ts under repoRoot/dir has its .js in dist/ at least as new (build:main is incremental: it rewrites only what changed). */
function compiled(dir: string): boolean {
  for (const e of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) {
      if (!compiled(rel)) return false;
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && rel !== join('src-main', 'electron', 'preload.ts')) {
      const out = join(repoRoot, 'dist', rel.slice(0, -3) + '.js');
      if (!existsSync(out) || statSync(out).mtimeMs < statSync(join(repoRoot, rel)).mtimeMs) return false;
    }
  }
  return true;
}
