// The Generate page in Chromium (web mode): a project with the tiny-t5 generator added and a few
// passages; estimate, start generation, see queries stream in beside their passages, finish.
import { describe, expect, it } from 'vitest';
import { servicesOnNewProject } from '../helpers/services.js';
import { insertPassages, TINY_T5 } from '../src-main/core/generation/project-fixture.js';
import { openStage, runE2e, screenshot } from './helpers.js';
import { useE2eSession } from './session.js';

describe.skipIf(!runE2e)('Generate page in Chromium (web mode)', () => {
  const e2e = useE2eSession({
    name: 'generate',
    async prepare({ tmp }) {
      const s = await servicesOnNewProject(tmp);
      insertPassages(s.projects.require().project.db, 25);
      await s.impl.models.add({ dir: TINY_T5, role: 'generator' });
      await s.dispose();
    },
  });

  it('shows the generator, the defaults and the passages in scope', async () => {
    await e2e.page.goto(e2e.serve.url);
    await openStage(e2e.page, 'Generate');
    await expect.poll(() => e2e.page.getByLabel('Generator model').locator('option').allTextContents(), { timeout: 10_000 }).toEqual(['tiny-t5']);
    expect(await e2e.page.getByLabel('Queries per passage').inputValue()).toBe('3');
    expect(await e2e.page.getByLabel('Top-p').inputValue()).toBe('0.95');
    expect(await e2e.page.getByLabel('Max length').inputValue()).toBe('64');
    await expect.poll(() => e2e.page.getByTestId('scope-count').textContent(), { timeout: 10_000 }).toBe('24 passages in scope');
  });

  it('estimates the time from a calibration batch', async () => {
    await e2e.page.getByLabel('Max length').fill('8');
    await e2e.page.getByRole('button', { name: 'Estimate time' }).click();
    await expect.poll(() => e2e.page.getByTestId('estimate').textContent(), { timeout: 30_000 }).toMatch(/for 24 passages .* on cpu, timed on 8/);
  });

  it('generates: queries stream in beside their passages and the run finishes', async () => {
    await e2e.page.getByRole('button', { name: 'Generate queries' }).click();
    await e2e.page.getByTestId('generated-query').first().waitFor({ timeout: 30_000 });
    await expect.poll(() => e2e.page.getByRole('region', { name: 'Generation progress' }).locator('h2').textContent(), { timeout: 60_000 }).toMatch(/done/);
    await expect.poll(() => e2e.page.getByTestId('generation-progress').textContent(), { timeout: 10_000 }).toMatch(/^24 \/ 24 passages/);
    expect(await e2e.page.getByTestId('generated-query').count()).toBeGreaterThan(3);
    expect(await e2e.page.getByRole('list', { name: 'Latest generated queries' }).locator('.generate__passage').first().textContent()).toMatch(/number \d+\./);
    await expect.poll(() => e2e.page.getByTestId('scope-count').textContent(), { timeout: 10_000 }).toBe('0 passages in scope');
    // Disabled buttons say why and what to do.
    await expect.poll(() => e2e.page.getByTestId('generate-blocked').textContent(), { timeout: 10_000 }).toContain('Every passage already has queries');
    await screenshot(e2e.page, 'generate');
    expect(e2e.consoleErrors).toEqual([]);
  }, 90_000);
});
