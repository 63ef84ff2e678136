// Renderer memory for bench/curate.ts: `genq serve` on the bench's project, Debian Chromium via
// playwright-core, the Curate page opened and its virtualized table scrolled from top to bottom;
// the JS heap comes from CDP Performance.getMetrics (JSHeapUsedSize) after a forced GC. The peer
// is the same app on its start page, so the difference is what the Curate page holds.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { startServe } from '../test/e2e/serve-process.js';

export const CHROMIUM = '/usr/bin/chromium';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface RendererMemory {
  startPageMb: number;
  curateMb: number;
  rowsSeen: number;
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize');
  if (!used) throw new Error('Chromium reported no JSHeapUsedSize metric');
  return used.value / 2 ** 20;
}

/** null (with a message on stderr) when Chromium or the built app is missing. */
export async function measureRendererMemory(projectDir: string): Promise<RendererMemory | null> {
  if (!existsSync(CHROMIUM)) {
    console.error(`renderer memory skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return null;
  }
  if (!existsSync(join(repoRoot, 'dist/renderer/index.html')) || !existsSync(join(repoRoot, 'dist/src-main/cli/genq.js'))) {
    console.error('renderer memory skipped: the app is not built (npm run build)');
    return null;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'genq-bench-renderer-'));
  const serve = await startServe({ repoRoot, projectDir, userDataDir: join(tmp, 'user-data'), timeoutMs: 60_000 });
  const context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(serve.url);
    await page.locator('h1').first().waitFor({ timeout: 30_000 });
    const startPageMb = await heapMb(page);
    await page.goto(`${serve.url}#/curate`);
    await page.locator('.cq__row[data-query-id]').first().waitFor({ timeout: 60_000 });
    // Scroll the virtualized table in 40 jumps to the end, letting each page of rows load.
    const seen = new Set<string>();
    for (let step = 1; step <= 40; step++) {
      await page.locator('.cq__scroll').evaluate((el, f) => el.scrollTo(0, el.scrollHeight * f), step / 40);
      await page.waitForTimeout(150);
      for (const id of await page.locator('.cq__row[data-query-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-query-id') ?? ''))) seen.add(id);
    }
    await page.locator('.cq__row[data-query-id]').last().waitFor();
    return { startPageMb, curateMb: await heapMb(page), rowsSeen: seen.size };
  } finally {
    await context.close().catch(() => {});
    await serve.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
