// The Train page in Chromium (web mode): a project with tiny-bert as its encoder and accepted
// pairs (written into the project before the server starts), a short run started from the form,
// the loss curve drawing while it runs, the run finishing with dev metrics per epoch, and the
// tuned model listed on the Models page.
import { describe, expect, it } from 'vitest';
import { addTinyBert, seedPairs } from '../src-main/core/training/training-fixture.js';
import { createE2eProject, openStage, runE2e, screenshot, stageLink } from './helpers.js';
import { useE2eSession } from './session.js';

const STEPS = 40;

function prepareProject(dir: string): void {
  const project = createE2eProject(dir);
  try {
    addTinyBert(project.db);
    seedPairs(project.db, { train: 16, evalPassages: 4 });
  } finally {
    project.close();
  }
}

describe.skipIf(!runE2e)('Train page in Chromium (web mode)', () => {
  const e2e = useE2eSession({ name: 'train', prepare: ({ projectDir }) => prepareProject(projectDir) });

  it('shows the settings with their defaults and what the run will train on', async () => {
    await e2e.page.goto(e2e.serve.url);
    await openStage(e2e.page, 'Train');
    const form = e2e.page.getByRole('form', { name: 'Training settings' });
    await form.waitFor({ timeout: 10_000 });
    expect(await e2e.page.getByLabel('Base model').inputValue()).not.toBe('');
    expect(await e2e.page.getByLabel('Learning rate').inputValue()).toBe('0.00002');
    expect(await e2e.page.getByLabel('Batch size').inputValue()).toBe('32');
    expect(await e2e.page.getByLabel('Warmup ratio').inputValue()).toBe('0.1');
    expect(await e2e.page.getByLabel('Weight decay').inputValue()).toBe('0.01');
    expect(await e2e.page.getByLabel('Epochs').inputValue()).toBe('1');
    expect(await form.textContent()).toContain('every query is contrasted with the other batch − 1 passages');
    await expect.poll(() => e2e.page.getByLabel('Training data').textContent(), { timeout: 10_000 }).toContain('32 accepted pairs');
    expect(await e2e.page.getByLabel('Training data').textContent()).toContain('dev set 8 queries over 4 held-out passages');
  });

  it('starts a short run, draws the loss curve live, and finishes with dev metrics and a tuned model', async () => {
    await e2e.page.getByLabel('Steps').fill(String(STEPS));
    await e2e.page.getByLabel('Batch size').fill('4');
    await e2e.page.getByLabel('Learning rate').fill('0.0005');
    await e2e.page.getByLabel('Max sequence length').fill('32');
    await e2e.page.getByLabel('Checkpoint every').fill('10');
    await e2e.page.getByRole('button', { name: 'Start training' }).click();

    const run = e2e.page.getByRole('region', { name: 'Run 1' });
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
    await screenshot(e2e.page, 'train-run');
  }, 90_000);

  it('lists the tuned model on the Models page as an encoder', async () => {
    await stageLink(e2e.page, 'Models').click();
    const row = e2e.page.getByRole('row', { name: 'Model tiny-bert (run 1)' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('encoder');
    expect(e2e.consoleErrors).toEqual([]);
  });
});
