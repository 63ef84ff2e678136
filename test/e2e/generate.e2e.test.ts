// The Generate page in Chromium (web mode): a project with the tiny-t5 generator added and a few
// passages; estimate, start generation, see queries stream in beside their passages, finish.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesOnNewProject } from '../helpers/services.js';
import { insertPassages, TINY_T5 } from '../src-main/core/generation/project-fixture.js';
import { assertBuilt, captureConsoleErrors, launchChromium, repoRoot, runE2e, screenshot } from './helpers.js';
import { startServe, type ServeProcess } from './serve-process.js';

describe.skipIf(!runE2e)('Generate page in Chromium (web mode)', () => {
  let tmp: string;
  let serve: ServeProcess;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    tmp = mkdtempSync(path.join(tmpdir(), 'genq-e2e-generate-'));
    const s = await servicesOnNewProject(tmp);
    insertPassages(s.projects.require().project.db, 25);
    await s.impl.models.add({ dir: TINY_T5, role: 'generator' });
    await s.dispose();
    serve = await startServe({ repoRoot, projectDir: path.join(tmp, 'project'), userDataDir: path.join(tmp, 'user-data') });
    ({ context, page } = await launchChromium(path.join(tmp, 'chromium-profile')));
    captureConsoleErrors(page, consoleErrors);
  }, 90_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await serve?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the generator, the defaults and the passages in scope', async () => {
    await page.goto(serve.url);
    await page.getByRole('navigation', { name: 'Pipeline' }).getByRole('link', { name: /Generate$/ }).click();
    await expect.poll(() => page.locator('h1').first().textContent(), { timeout: 15_000 }).toContain('Generate');
    await expect.poll(() => page.getByLabel('Generator model').locator('option').allTextContents(), { timeout: 10_000 }).toEqual(['tiny-t5']);
    expect(await page.getByLabel('Queries per passage').inputValue()).toBe('3');
    expect(await page.getByLabel('Top-p').inputValue()).toBe('0.95');
    expect(await page.getByLabel('Max length').inputValue()).toBe('64');
    await expect.poll(() => page.getByTestId('scope-count').textContent(), { timeout: 10_000 }).toBe('24 passages in scope');
  });

  it('estimates the time from a calibration batch', async () => {
    await page.getByLabel('Max length').fill('8');
    await page.getByRole('button', { name: 'Estimate time' }).click();
    await expect.poll(() => page.getByTestId('estimate').textContent(), { timeout: 30_000 }).toMatch(/for 24 passages .* on cpu, timed on 8/);
  });

  it('generates: queries stream in beside their passages and the run finishes', async () => {
    await page.getByRole('button', { name: 'Generate queries' }).click();
    await page.getByTestId('generated-query').first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByRole('region', { name: 'Generation progress' }).locator('h2').textContent(), { timeout: 60_000 }).toMatch(/done/);
    await expect.poll(() => page.getByTestId('generation-progress').textContent(), { timeout: 10_000 }).toMatch(/^24 \/ 24 passages/);
    expect(await page.getByTestId('generated-query').count()).toBeGreaterThan(3);
    expect(await page.getByRole('list', { name: 'Latest generated queries' }).locator('.generate__passage').first().textContent()).toMatch(/number \d+\./);
    await expect.poll(() => page.getByTestId('scope-count').textContent(), { timeout: 10_000 }).toBe('0 passages in scope');
    await screenshot(page, 'generate');
    expect(consoleErrors).toEqual([]);
  }, 90_000);
});
