// End to end in a real browser: `genq serve` (built by `npm run build`) driven by Debian's
// Chromium through playwright-core. Creates a project in the UI, visits every page, watches a job's
// progress bar move to done, and fails on any console error.
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { heading, repoRoot, resultsDir, runE2e, screenshot, stageLink } from './helpers.js';
import { useE2eSession } from './session.js';

const PIPELINE = ['Corpus', 'Models', 'Generate', 'Curate', 'Train', 'Search', 'Evaluate'];

describe.skipIf(!runE2e)('workbench in Chromium (web mode)', () => {
  const e2e = useE2eSession({ name: 'workbench', project: 'a' });

  it('opens with the token, which becomes a cookie and leaves the address bar', async () => {
    await e2e.page.goto(e2e.serve.url);
    await expect.poll(() => heading(e2e.page), { timeout: 15_000 }).toBe('a');
    expect(e2e.page.url()).not.toContain('token=');
    // Without the token the server refuses a fresh browser profile.
    const anonymous = await fetch(`${e2e.serve.origin}/`);
    expect(anonymous.status).toBe(401);
  });

  it('creates a second project through the picker', async () => {
    await e2e.page.getByRole('link', { name: 'Switch project…' }).click();
    await e2e.page.getByLabel('New project folder').fill(path.join(e2e.tmp, 'b'));
    await e2e.page.getByLabel('Project name').fill('Second project');
    await e2e.page.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => heading(e2e.page), { timeout: 10_000 }).toBe('Second project');
    expect(await e2e.page.locator('.sidebar__project-name').textContent()).toBe('Second project');
    // Both projects are now in the recent list.
    await e2e.page.getByRole('link', { name: 'Switch project…' }).click();
    await expect.poll(() => e2e.page.locator('.recent__item').count()).toBe(2);
    await screenshot(e2e.page, 'projects');
  });

  it('removes a recent project whose folder is gone', async () => {
    const gone = path.join(e2e.tmp, 'gone');
    await e2e.callApi('projects', 'create', { dir: gone, name: 'Gone project' });
    await e2e.callApi('projects', 'open', { dir: path.join(e2e.tmp, 'b') });
    rmSync(gone, { recursive: true, force: true });
    await e2e.page.reload();
    await expect.poll(() => e2e.page.locator('.recent__item').count(), { timeout: 10_000 }).toBe(3);
    const item = e2e.page.locator('.recent__item', { hasText: 'Gone project' });
    expect(await item.locator('.badge').textContent()).toBe('missing');
    await item.getByRole('button', { name: 'Remove Gone project from the list' }).click();
    await expect.poll(() => e2e.page.locator('.recent__item').count()).toBe(2);
    await e2e.page.reload();
    await expect.poll(() => e2e.page.locator('.recent__item').count(), { timeout: 10_000 }).toBe(2);
  });

  it('shows a failed API call as an error toast with its name and message', async () => {
    await e2e.page.getByLabel('Existing project folder').fill(path.join(e2e.tmp, 'no-such-project'));
    await e2e.page.getByRole('button', { name: 'Open project' }).click();
    const toast = e2e.page.getByRole('alert').first();
    await toast.waitFor({ timeout: 10_000 });
    expect(await toast.locator('.toast__name').textContent()).toMatch(/\w+Error$/);
    expect(await toast.locator('.toast__message').textContent()).toContain('no-such-project');
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => e2e.page.getByRole('alert').count()).toBe(0);
    // Back to the second project through the recent list (a failed open may close the current one).
    await e2e.page.locator('.recent__item', { hasText: 'Second project' }).getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => heading(e2e.page), { timeout: 10_000 }).toBe('Second project');
  });

  it('visits every page', async () => {
    await e2e.page.getByRole('link', { name: 'Project overview' }).click();
    await expect.poll(() => heading(e2e.page)).toBe('Second project');
    for (const label of PIPELINE) {
      await stageLink(e2e.page, label).click();
      await expect.poll(() => heading(e2e.page)).toContain(label);
      expect(e2e.page.url()).toContain(`#/${label.toLowerCase()}`);
      expect(await e2e.page.getByText('This page failed to render').count()).toBe(0);
      await screenshot(e2e.page, label.toLowerCase());
    }
  });

  it('switches between light and dark themes and remembers the choice', async () => {
    const theme = () => e2e.page.evaluate(() => document.documentElement.dataset.theme);
    expect(await theme()).toBe('light');
    await e2e.page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await theme()).toBe('dark');
    await e2e.page.reload();
    await expect.poll(theme).toBe('dark');
    await screenshot(e2e.page, 'dark');
    await e2e.page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await theme()).toBe('light');
  });

  it('shows a job started over HTTP moving to done in the tray', async () => {
    await e2e.page.getByRole('link', { name: 'Project overview' }).click();
    const started = (await e2e.callApi('jobs', 'start', { kind: 'test.count', params: { steps: 40, delayMs: 50 } })) as { id: number };
    const row = e2e.page.locator(`li[data-job-id="${started.id}"]`);
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
      if (!midShot && Number(now) >= 12 && Number(now) <= 30) midShot = await e2e.page.screenshot({ path: overview });
      if ((await row.locator('.badge').textContent()) === 'done') break;
      await e2e.page.waitForTimeout(40);
    }
    expect(await row.locator('.badge').textContent()).toBe('done');
    expect(await bar.getAttribute('aria-valuenow')).toBe('40');
    expect(await bar.getAttribute('aria-valuemax')).toBe('40');
    const intermediate = [...seen].filter((v) => v > 0 && v < 40);
    expect(intermediate.length, `progress values seen: ${[...seen].join(', ')}`).toBeGreaterThan(0);
    // The overview refreshes its counts when the job ends.
    await expect.poll(() => e2e.page.getByLabel('Jobs', { exact: true }).locator('.stat__value').textContent()).toBe('1');
    // On a loaded machine the samples may skip the mid range; then the finished state is shown.
    await e2e.page.screenshot({ path: midShot ? path.join(resultsDir, 'e2e-overview-done.png') : overview });
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(overview, path.join(repoRoot, 'assets', 'screenshot.png'));
  });

  it('cancels a running job from the tray and resumes it to done', async () => {
    const started = await e2e.callApi('jobs', 'start', { kind: 'test.count', params: { steps: 60, delayMs: 50 } });
    const row = e2e.page.locator(`li[data-job-id="${(started as { id: number }).id}"]`);
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

  it('shows a failed job with a still bar and no Resume, and dismisses it', async () => {
    const started = (await e2e.callApi('jobs', 'start', { kind: 'test.count', params: { steps: 10, delayMs: 20, failAt: 3 } })) as { id: number };
    const row = e2e.page.locator(`li[data-job-id="${started.id}"]`);
    await expect.poll(() => row.locator('.badge').textContent(), { timeout: 15_000 }).toBe('failed');
    expect(await row.locator('.job__error').textContent()).toContain('failed on purpose');
    expect(await row.getByRole('button', { name: 'Resume' }).count()).toBe(0);
    expect(await row.locator('.progress--indeterminate').count()).toBe(0);
    await row.getByRole('button', { name: `Dismiss job ${started.id}` }).click();
    expect(await row.count()).toBe(0);
    // Dismissed for good in this browser: still gone after a reload.
    await e2e.page.reload();
    await e2e.page.locator('li[data-job-id]').first().waitFor({ timeout: 10_000 });
    expect(await row.count()).toBe(0);
  });

  it('logged no console errors', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
