// Shared pieces of the Chromium e2e tests: where things are, the built-app check, launching
// Debian's Chromium through playwright-core, the API over HTTP, console-error capture, and moving
// between pipeline stages.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createProject, type OpenProject } from '../../src-main/core/project/store.js';
import type { ServeProcess } from './serve-process.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const resultsDir = path.join(repoRoot, 'test-results');
export const haveChromium = existsSync(CHROMIUM);
/** Without Chromium the e2e tests skip locally but fail on CI. */
export const runE2e = haveChromium || !!process.env.CI;
if (!haveChromium && !process.env.CI) {
  console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install -y chromium). On CI (CI set) this test fails instead.`);
}

/** e2e runs the built app (`genq serve` serves dist/renderer). */
export function assertBuilt(): void {
  for (const built of ['dist/renderer/index.html', 'dist/src-main/cli/genq.js']) {
    if (!existsSync(path.join(repoRoot, built))) throw new Error(`e2e needs \`npm run build\` first: ${built} is missing`);
  }
  mkdirSync(resultsDir, { recursive: true });
}

/**
 * Creates a project folder in-process (the schema and meta `genq` writes) for a test to fill
 * straight through its database: the project store alone, not all of createServices, whose
 * module graph costs the test process seconds to load. The caller closes it.
 */
export function createE2eProject(dir: string): OpenProject {
  const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return createProject(dir, { appVersion: version });
}

export async function launchChromium(profileDir: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 860 },
    colorScheme: 'light',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Collects console errors and uncaught page errors into `sink`. */
export function captureConsoleErrors(page: Page, sink: string[]): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error') sink.push(msg.text());
  });
  page.on('pageerror', (err) => sink.push(`pageerror: ${err.message}`));
}

/** The API over HTTP with the printed token, as a script or another tool would use it. */
export function apiCaller(serve: ServeProcess) {
  return async (service: string, method: string, input: unknown): Promise<unknown> => {
    const res = await fetch(`${serve.origin}/api/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${serve.token}` },
      body: JSON.stringify({ service, method, input }),
    });
    const result = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown };
    if (!result.ok) throw new Error(`${service}.${method} failed: ${JSON.stringify(result.error)}`);
    return result.value;
  };
}

export const screenshot = (page: Page, name: string) => page.screenshot({ path: path.join(resultsDir, `e2e-${name}.png`) });

/** The page's title: the first h1's text. */
export const heading = (page: Page) => page.locator('h1').first().textContent();

/** The sidebar's link to a pipeline stage ('Corpus', 'Models', …). */
export const stageLink = (page: Page, stage: string) => page.getByRole('navigation', { name: 'Pipeline' }).getByRole('link', { name: new RegExp(`${stage}$`) });

/** Goes to a pipeline stage through the sidebar and waits for its heading. */
export async function openStage(page: Page, stage: string): Promise<void> {
  await stageLink(page, stage).click();
  await expect.poll(() => heading(page), { timeout: 15_000 }).toContain(stage);
}
