// End to end in Chromium (web mode): pairs imported as pending queries, signals computed by the
// job, then on the Curate page: filter by copy ratio, bulk-reject everything matching with the
// keyboard (X), undo (u), redo (U), export what nobody rejected (pending) vs accepted only, accept the
// rest (A on the pending filter) and export a TSV;
// then a typed rule expression: an invalid one shows its error inline, a valid one shows its
// preview count, is applied and undone.
// Then the Train page, on a second project the same server and browser open (tiny-bert as its
// encoder and accepted pairs written into it beforehand): a short run started from the form, the
// loss curve drawing while it runs, the run finishing with dev metrics per epoch, and the tuned
// model listed on the Models page.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/temp-dir.js';
import { addTinyBert, seedPairs } from '../src-main/core/training/training-fixture.js';
import { createE2eProject, heading, openStage, runE2e, screenshot, stageLink } from './helpers.js';
import { useE2eSession } from './session.js';

const STEPS = 40;

function prepareTrainProject(dir: string): void {
  const project = createE2eProject(dir);
  try {
    addTinyBert(project.db);
    seedPairs(project.db, { train: 16, evalPassages: 4 });
  } finally {
    project.close();
  }
}

const PASSAGES = Array.from({ length: 40 }, (_, i) => `Passage ${i}: the committee reported on harbour number ${i} and the state of its piers and lighthouses.`);

describe.skipIf(!runE2e)('Curate and Train pages in Chromium (web mode)', () => {
  const e2e = useE2eSession({
    name: 'curate',
    project: 'p',
    async seed({ tmp, callApi }) {
      // Two queries per passage: one copied from it (copy ratio 1), one not.
      const pairs = PASSAGES.flatMap((p, i) => [`${p.split(' ').slice(2, 8).join(' ')}\t${p}`, `what happened at harbour ${i}?\t${p}`]);
      writeFileSync(path.join(tmp, 'pairs.tsv'), `${pairs.join('\n')}\n`);
      const imported = await callApi('curation', 'importPairs', { path: path.join(tmp, 'pairs.tsv'), status: 'pending' });
      expect(imported).toMatchObject({ imported: 80, newPassages: 40 });
      const job = await callApi('curation', 'computeSignals', {});
      await waitUntil(async () => (await callApi('jobs', 'get', { id: job.id })).state === 'done', 30_000, 'the signals job');
    },
  });
  const text = (testId: string) => e2e.page.getByTestId(testId).textContent();

  it('filters, bulk-rejects with the keyboard, undoes and exports the pairs nobody rejected, then the accepted ones', async () => {
    await e2e.page.goto(`${e2e.serve.url}#/curate`);
    await expect.poll(() => heading(e2e.page), { timeout: 15_000 }).toContain('Curate');
    await expect.poll(() => text('count-matching'), { timeout: 10_000 }).toBe('80');

    // Filter: copy ratio > 0.8 → the 40 copied queries.
    await e2e.page.getByLabel('Signal', { exact: true }).selectOption('copyRatio');
    await e2e.page.getByLabel('Comparison').selectOption('>');
    await e2e.page.getByLabel('Threshold').fill('0.8');
    await e2e.page.getByRole('button', { name: 'Add filter' }).click();
    await expect.poll(() => text('count-matching')).toBe('40');
    await e2e.page.locator('.cq__row[data-query-id]').first().waitFor();
    await screenshot(e2e.page, 'curate-filtered');

    // Keyboard: X rejects everything the filter matches; u undoes; U redoes.
    await e2e.page.locator('h1').first().click(); // focus outside inputs
    await e2e.page.keyboard.press('Shift+X');
    await expect.poll(() => text('count-rejected')).toBe('40 rejected');
    await expect.poll(() => e2e.page.locator('.cq__row[data-status="rejected"]').count()).toBeGreaterThan(0);
    await e2e.page.keyboard.press('u');
    await expect.poll(() => text('count-rejected')).toBe('0 rejected');
    expect(await text('curate-notice')).toContain('Undid');
    await e2e.page.keyboard.press('Shift+U');
    await expect.poll(() => text('count-rejected')).toBe('40 rejected');

    // j/k + x on one row of the remaining queries, then accept the rest of the pending ones.
    await e2e.page.getByRole('button', { name: 'Remove filter' }).click();
    await e2e.page.getByLabel('Status').selectOption('pending');
    await expect.poll(() => text('count-matching')).toBe('40');
    await e2e.page.locator('h1').first().click();
    await e2e.page.keyboard.press('j');
    // The reading pane shows the active query with its passage, the query's words marked.
    const activeId = await e2e.page.locator('.cq__row--active').getAttribute('data-query-id');
    expect(await e2e.page.getByRole('region', { name: 'Query and passage' }).getAttribute('data-query-id')).toBe(activeId);
    expect(await e2e.page.getByTestId('reading-passage').locator('mark').allTextContents()).toEqual(expect.arrayContaining(['harbour']));
    // Space selects and says so; again unselects.
    await e2e.page.keyboard.press(' ');
    await expect.poll(() => text('curate-notice')).toBe(`Selected query #${activeId}: 1 selected (a / x act on them)`);
    await e2e.page.keyboard.press(' ');
    await expect.poll(() => text('curate-notice')).toBe(`Unselected query #${activeId}: 0 selected (a / x act on them)`);
    await e2e.page.keyboard.press('x');
    await expect.poll(() => text('count-matching')).toBe('39');
    // The key says what it did and that the focus moved.
    expect(await text('curate-notice')).toMatch(new RegExp(`^Rejected query #${activeId}; moved to query \\d+ \\(u to undo\\)$`));
    // Export before anyone accepted: every query nobody rejected (39 pending) by default, none with "accepted only".
    const pendingOut = path.join(e2e.tmp, 'out', 'not-rejected.tsv');
    await e2e.page.getByLabel('Export path').fill(pendingOut);
    await e2e.page.getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(() => text('export-result')).toBe(`39 pairs → ${pendingOut} (0 accepted, 39 pending)`);
    expect(readFileSync(pendingOut, 'utf8').trimEnd().split('\n')).toHaveLength(39);
    await e2e.page.getByLabel('Queries to export').selectOption('accepted');
    const acceptedOut = path.join(e2e.tmp, 'out', 'accepted-only.tsv');
    await e2e.page.getByLabel('Export path').fill(acceptedOut);
    await e2e.page.getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(() => text('export-result')).toBe(`0 pairs → ${acceptedOut} (0 accepted, 0 pending)`);
    await e2e.page.locator('h1').first().click();
    await e2e.page.keyboard.press('Shift+A');
    await expect.poll(() => text('count-matching')).toBe('0');

    // Help overlay.
    await e2e.page.keyboard.press('?');
    await e2e.page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await e2e.page.keyboard.press('Escape');

    // Export the 39 accepted pairs as TSV ("accepted only" is still chosen).
    const out = path.join(e2e.tmp, 'out', 'pairs.tsv');
    await e2e.page.getByLabel('Export path').fill(out);
    await e2e.page.getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(() => text('export-result')).toBe(`39 pairs → ${out} (39 accepted, 0 pending)`);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(39);
    expect(lines.every((l) => /^what happened at harbour \d+\?\tPassage \d+: /.test(l))).toBe(true);
    await e2e.page.getByRole('region', { name: 'Export' }).scrollIntoViewIfNeeded();
    await screenshot(e2e.page, 'curate-export');
    await screenshot(e2e.page, 'curate-done');

    // A bulk action over more than 50 queries asks first, with the count; Cancel changes nothing.
    await e2e.page.getByLabel('Status').selectOption('all');
    await expect.poll(() => text('count-accepted')).toBe('39 accepted');
    await e2e.page.getByRole('button', { name: 'Reject all matching' }).click();
    const confirm = e2e.page.getByRole('alertdialog', { name: 'Confirm bulk action' });
    expect(await confirm.textContent()).toContain('Reject 80 queries matching the filter?');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await confirm.count()).toBe(0);
    expect(await text('count-accepted')).toBe('39 accepted');

    // A typed rule: validated inline, previewed, applied, undone.
    const expression = e2e.page.getByLabel('Rule expression');
    await expression.fill('reject shininess > 3');
    await expect.poll(() => text('rule-expr-error')).toContain('unknown signal "shininess"');
    await expect(e2e.page.getByRole('button', { name: 'Apply rule' }).isDisabled()).resolves.toBe(true);
    await expression.fill('accept copyRatio > 0.8');
    await expect.poll(() => text('rule-expr-preview')).toBe('accept copyRatio > 0.8: matches 40, would change 40');
    expect(await e2e.page.getByTestId('rule-expr-error').count()).toBe(0);
    // The copy-ratio histogram's bars start right of its y-axis labels.
    const histogram = e2e.page.locator('.ccharts__plot').first();
    await histogram.locator('.recharts-bar-rectangle').first().waitFor({ timeout: 10_000 });
    await histogram.scrollIntoViewIfNeeded();
    const [axis, firstBar] = [await histogram.locator('.recharts-yAxis').boundingBox(), await histogram.locator('.recharts-bar-rectangle').first().boundingBox()];
    expect(firstBar!.x).toBeGreaterThanOrEqual(axis!.x + axis!.width);
    await screenshot(e2e.page, 'curate-typed-rule');
    await e2e.page.getByRole('button', { name: 'Apply rule' }).click();
    await expect.poll(() => text('count-accepted')).toBe('79 accepted');
    await expect.poll(() => text('count-rejected')).toBe('1 rejected');
    await expect.poll(() => text('rule-expr-preview')).toContain('would change 0');
    await e2e.page.locator('h1').first().click();
    await e2e.page.keyboard.press('u');
    await expect.poll(() => text('count-accepted')).toBe('39 accepted');
    await expect.poll(() => text('count-rejected')).toBe('41 rejected');
    expect(await text('curate-notice')).toContain('Undid: rule accept copyRatio > 0.8 (40)');
    expect(e2e.consoleErrors).toEqual([]);
  }, 90_000);

  describe('Train page, on a second project the same server opens', () => {
    beforeAll(async () => {
      // tiny-bert as its encoder and accepted pairs written into the project before it is opened.
      const dir = path.join(e2e.tmp, 'train');
      prepareTrainProject(dir);
      await e2e.callApi('projects', 'open', { dir });
    });

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
});
