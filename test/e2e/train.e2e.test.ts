// The Train page in Chromium (web mode): a project with tiny-bert as its encoder and accepted
// pairs (written into the project before the server starts), a short run started from the form,
// the loss curve drawing while it runs, the run finishing with dev metrics per epoch, and the
// tuned model listed on the Models page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src-main/core/services.js';
import { addTinyBert, seedPairs } from '../src-main/core/training/training-fixture.js';
import { assertBuilt, captureConsoleErrors, launchChromium, repoRoot, runE2e, screenshot } from './helpers.js';
import { startServe, type ServeProcess } from './serve-process.js';

const STEPS = 40;

async function prepareProject(dir: string, userDataDir: string): Promise<void> {
  const services = await createServices({ mode: 'web', userDataDir, initialProject: dir });
  try {
    const db = services.projects.require().project.db;
    addTinyBert(db);
    seedPairs(db, { train: 16, evalPassages: 4 });
  } finally {
    await services.dispose();
  }
}

describe.skipIf(!runE2e)('Train page in Chromium (web mode)', () => {
  let tmp: string;
  let serve: ServeProcess;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    tmp = mkdtempSync(path.join(tmpdir(), 'genq-e2e-train-'));
    const projectDir = path.join(tmp, 'project');
    await prepareProject(projectDir, path.join(tmp, 'user-data'));
    serve = await startServe({ repoRoot, projectDir, userDataDir: path.join(tmp, 'user-data') });
    ({ context, page } = await launchChromium(path.join(tmp, 'chromium-profile')));
    captureConsoleErrors(page, consoleErrors);
  }, 90_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await serve?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the settings with their defaults and what the run will train on', async () => {
    await page.goto(serve.url);
    await page.getByRole('navigation', { name: 'Pipeline' }).getByRole('link', { name: /Train$/ }).click();
    await expect.poll(() => page.locator('h1').first().textContent(), { timeout: 15_000 }).toContain('Train');
    const form = page.getByRole('form', { name: 'Training settings' });
    await form.waitFor({ timeout: 10_000 });
    expect(await page.getByLabel('Base model').inputValue()).not.toBe('');
    expect(await page.getByLabel('Learning rate').inputValue()).toBe('0.00002');
    expect(await page.getByLabel('Batch size').inputValue()).toBe('32');
    expect(await page.getByLabel('Warmup ratio').inputValue()).toBe('0.1');
    expect(await page.getByLabel('Weight decay').inputValue()).toBe('0.01');
    expect(await page.getByLabel('Epochs').inputValue()).toBe('1');
    expect(await form.textContent()).toContain('every query is contrasted with the other batch − 1 passages');
    await expect.poll(() => page.getByLabel('Training data').textContent(), { timeout: 10_000 }).toContain('32 accepted pairs');
    expect(await page.getByLabel('Training data').textContent()).toContain('dev set 8 queries over 4 held-out passages');
  });

  it('starts a short run, draws the loss curve live, and finishes with dev metrics and a tuned model', async () => {
    await page.getByLabel('Steps').fill(String(STEPS));
    await page.getByLabel('Batch size').fill('4');
    await page.getByLabel('Learning rate').fill('0.0005');
    await page.getByLabel('Max sequence length').fill('32');
    await page.getByLabel('Checkpoint every').fill('10');
    await page.getByRole('button', { name: 'Start training' }).click();

    const run = page.getByRole('region', { name: 'Run 1' });
    const lossChart = run.getByRole('figure', { name: 'Loss curve' });
    // Points arrive while the job runs; the raw and smoothed lines are drawn as SVG paths.
    await expect.poll(async () => Number(await lossChart.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => lossChart.locator('path.recharts-curve').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => run.locator('[data-status]').getAttribute('data-status'), { timeout: 45_000 }).toBe('done');
    await expect.poll(async () => Number(await lossChart.getAttribute('data-points')), { timeout: 10_000 }).toBe(STEPS);
    const d = await lossChart.locator('path.recharts-curve').first().getAttribute('d');
    expect(d?.split(/[LC]/).length ?? 0).toBeGreaterThan(10); // a real curve, not a dot
    expect(await run.getByRole('figure', { name: 'Learning-rate curve' }).locator('path.recharts-curve').count()).toBe(1);

    expect(await run.locator('[data-fact="steps"]').textContent()).toBe(String(STEPS));
    expect(await run.locator('[data-fact="throughput"]').textContent()).toMatch(/^\d+(\.\d)? pairs\/s$/);
    const evals = run.getByRole('table', { name: 'Dev metrics per epoch' });
    await expect.poll(() => evals.locator('tbody tr').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await evals.locator('tbody tr').first().textContent()).toContain('base model');
    expect(await run.getByLabel('Tuned model').textContent()).toContain('tiny-bert (run 1)');
    await expect.poll(() => run.getByRole('table', { name: 'Checkpoints' }).locator('tbody tr').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await run.scrollIntoViewIfNeeded();
    await screenshot(page, 'train-run');
  }, 90_000);

  it('lists the tuned model on the Models page as an encoder', async () => {
    await page.getByRole('navigation', { name: 'Pipeline' }).getByRole('link', { name: /Models$/ }).click();
    const row = page.getByRole('row', { name: 'Model tiny-bert (run 1)' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('encoder');
    expect(consoleErrors).toEqual([]);
  });
});
