// End to end in a real browser: `genq serve` (built by `npm run build`) driven by Debian's
// Chromium through playwright-core. Creates a project in the UI, visits every page, watches a job's
// progress bar move to done, and fails on any console error.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller, assertBuilt, captureConsoleErrors, launchChromium, repoRoot, resultsDir, runE2e } from './helpers.js';
import { startServe, type ServeProcess } from './serve-process.js';

const PIPELINE = ['Corpus', 'Models', 'Generate', 'Curate', 'Train', 'Search', 'Evaluate'];

describe.skipIf(!runE2e)('workbench in Chromium (web mode)', () => {
  let tmp: string;
  let serve: ServeProcess;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  const callApi = (service: string, method: string, input: unknown) => apiCaller(serve)(service, method, input);
  const shot = (name: string) => page.screenshot({ path: path.join(resultsDir, `e2e-${name}.png`) });

  beforeAll(async () => {
    assertBuilt();
    tmp = mkdtempSync(path.join(tmpdir(), 'genq-e2e-'));
    serve = await startServe({ repoRoot, projectDir: path.join(tmp, 'a'), userDataDir: path.join(tmp, 'user-data') });
    ({ context, page } = await launchChromium(path.join(tmp, 'chromium-profile')));
    captureConsoleErrors(page, consoleErrors);
  }, 90_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await serve?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('opens with the token, which becomes a cookie and leaves the address bar', async () => {
    await page.goto(serve.url);
    await expect.poll(() => page.locator('h1').first().textContent(), { timeout: 15_000 }).toBe('a');
    expect(page.url()).not.toContain('token=');
    // Without the token the server refuses a fresh browser profile.
    const anonymous = await fetch(`${serve.origin}/`);
    expect(anonymous.status).toBe(401);
  });

  it('creates a second project through the picker', async () => {
    await page.getByRole('link', { name: 'Switch project…' }).click();
    await page.getByLabel('New project folder').fill(path.join(tmp, 'b'));
    await page.getByLabel('Project name').fill('Second project');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => page.locator('h1').first().textContent(), { timeout: 10_000 }).toBe('Second project');
    expect(await page.locator('.sidebar__project-name').textContent()).toBe('Second project');
    // Both projects are now in the recent list.
    await page.getByRole('link', { name: 'Switch project…' }).click();
    await expect.poll(() => page.locator('.recent__item').count()).toBe(2);
    await shot('projects');
  });

  it('shows a failed API call as an error toast with its name and message', async () => {
    await page.getByLabel('Existing project folder').fill(path.join(tmp, 'no-such-project'));
    await page.getByRole('button', { name: 'Open project' }).click();
    const toast = page.getByRole('alert').first();
    await toast.waitFor({ timeout: 10_000 });
    expect(await toast.locator('.toast__name').textContent()).toMatch(/\w+Error$/);
    expect(await toast.locator('.toast__message').textContent()).toContain('no-such-project');
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    // Back to the second project through the recent list (a failed open may close the current one).
    await page.locator('.recent__item', { hasText: 'Second project' }).getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => page.locator('h1').first().textContent(), { timeout: 10_000 }).toBe('Second project');
  });

  it('visits every page', async () => {
    await page.getByRole('link', { name: 'Project overview' }).click();
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Second project');
    for (const label of PIPELINE) {
      await page.getByRole('navigation', { name: 'Pipeline' }).getByRole('link', { name: new RegExp(`${label}$`) }).click();
      await expect.poll(() => page.locator('h1').first().textContent()).toContain(label);
      expect(page.url()).toContain(`#/${label.toLowerCase()}`);
      expect(await page.getByText('This page failed to render').count()).toBe(0);
      await shot(label.toLowerCase());
    }
  });

  it('switches between light and dark themes and remembers the choice', async () => {
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    expect(await theme()).toBe('light');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await theme()).toBe('dark');
    await page.reload();
    await expect.poll(theme).toBe('dark');
    await shot('dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await theme()).toBe('light');
  });

  it('shows a job started over HTTP moving to done in the tray', async () => {
    await page.getByRole('link', { name: 'Project overview' }).click();
    const started = (await callApi('jobs', 'start', { kind: 'test.count', params: { steps: 40, delayMs: 50 } })) as { id: number };
    const row = page.locator(`li[data-job-id="${started.id}"]`);
    const bar = row.getByRole('progressbar');
    await bar.waitFor({ timeout: 10_000 });
    const overview = path.join(resultsDir, 'e2e-overview.png');
    let midShot: Buffer | null = null;
    const seen = new Set<number>();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const now = await bar.getAttribute('aria-valuenow');
      if (now !== null) seen.add(Number(now));
      // The README screenshot: the overview with a job mid-way (rate and ETA visible).
      if (!midShot && Number(now) >= 12 && Number(now) <= 30) midShot = await page.screenshot({ path: overview });
      if ((await row.locator('.badge').textContent()) === 'done') break;
      await page.waitForTimeout(40);
    }
    expect(await row.locator('.badge').textContent()).toBe('done');
    expect(await bar.getAttribute('aria-valuenow')).toBe('40');
    expect(await bar.getAttribute('aria-valuemax')).toBe('40');
    const intermediate = [...seen].filter((v) => v > 0 && v < 40);
    expect(intermediate.length, `progress values seen: ${[...seen].join(', ')}`).toBeGreaterThan(0);
    // The overview refreshes its counts when the job ends.
    await expect.poll(() => page.getByLabel('Jobs', { exact: true }).locator('.stat__value').textContent()).toBe('1');
    // On a loaded machine the samples may skip the mid range; then the finished state is shown.
    await page.screenshot({ path: midShot ? path.join(resultsDir, 'e2e-overview-done.png') : overview });
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(overview, path.join(repoRoot, 'assets', 'screenshot.png'));
  });

  it('cancels a running job from the tray and resumes it to done', async () => {
    const started = await callApi('jobs', 'start', { kind: 'test.count', params: { steps: 60, delayMs: 50 } });
    const row = page.locator(`li[data-job-id="${(started as { id: number }).id}"]`);
    const bar = row.getByRole('progressbar');
    const badge = row.locator('.badge');
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(3);
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('cancelled');
    const stoppedAt = Number(await bar.getAttribute('aria-valuenow'));
    expect(stoppedAt).toBeLessThan(60);
    await row.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => badge.textContent(), { timeout: 20_000 }).toBe('done');
    expect(await bar.getAttribute('aria-valuenow')).toBe('60');
    expect(await row.getByRole('button').count()).toBe(0); // a finished job offers no action
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
