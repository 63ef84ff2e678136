// The whole journey a new user takes, through the UI alone, on a fresh project (web mode, Chromium):
// import the bundled sample, add the tiny fixture models by folder, generate queries, compute every
// signal (lexical, round trip, cross-encoder relevance), reject by a rule, make the held-out split,
// accept the rest (confirming the bulk action), train a few steps, build both indexes, search three
// ways (base, tuned, BM25), evaluate on the held-out queries, export the pairs as a download, and
// build the embedding map. One screenshot per stage in test-results/e2e-journey-NN-<stage>.png.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { heading, openStage, repoRoot, runE2e, screenshot, stageLink } from './helpers.js';
import { useE2eSession } from './session.js';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures');
const TRAIN_STEPS = 8;

describe.skipIf(!runE2e)('the whole journey through the UI (web mode)', () => {
  const e2e = useE2eSession({ name: 'journey', project: 'whaling' });
  const page = () => e2e.page;
  const text = (testId: string) => page().getByTestId(testId).textContent();
  let shot = 0;
  const stage = (name: string) => screenshot(page(), `journey-${String(++shot).padStart(2, '0')}-${name}`);

  it('imports the sample corpus', async () => {
    await page().goto(e2e.serve.url);
    await expect.poll(() => heading(page()), { timeout: 15_000 }).toBe('whaling');
    // A fresh project: no step is ticked yet.
    expect(await page().locator('.nav__link[data-done]').count()).toBe(0);
    await openStage(page(), 'Corpus');
    await page().getByRole('button', { name: /Try the sample/ }).click();
    await page().getByRole('region', { name: 'Import report' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => text('passage-count'), { timeout: 10_000 }).toMatch(/^\d+ in total$/);
    // The import job is titled by its folder, never by an upload id.
    expect(await page().getByRole('complementary', { name: 'Job tray' }).textContent()).toContain('Import moby-dick');
    await expect.poll(() => page().locator('.nav__link[data-done]').count(), { timeout: 10_000 }).toBe(1);
    await stage('corpus');
  }, 90_000);

  it('adds the generator, the encoder and the cross-encoder by folder', async () => {
    await openStage(page(), 'Models');
    for (const [folder, role] of [
      ['tiny-t5', 'a query generator'],
      ['tiny-bert', 'an encoder'],
      ['tiny-cross-encoder', 'a cross-encoder'],
    ]) {
      await page().getByLabel('Model folder').fill(path.join(FIXTURES, folder));
      await page().getByRole('button', { name: 'Add model' }).click();
      await expect.poll(() => text('model-added'), { timeout: 30_000 }).toContain(`Added ${folder} as ${role}`);
      await page().getByRole('row', { name: `Model ${folder}` }).waitFor({ timeout: 10_000 });
    }
    await stage('models');
  }, 90_000);

  it('generates queries for every passage', async () => {
    await openStage(page(), 'Generate');
    await expect.poll(() => page().getByLabel('Generator model').locator('option').allTextContents(), { timeout: 10_000 }).toEqual(['tiny-t5']);
    await page().getByLabel('Queries per passage').fill('2');
    await page().getByLabel('Max length').fill('10');
    await page().getByRole('button', { name: 'Generate queries' }).click();
    // The project's first generation run is #1.
    await expect.poll(() => page().getByRole('region', { name: 'Generation progress' }).locator('h2').textContent(), { timeout: 90_000 }).toBe('Run #1 — done');
    await expect.poll(() => text('scope-count'), { timeout: 10_000 }).toBe('0 passages in scope');
    expect(await text('generate-blocked')).toContain('Every passage already has queries');
    await stage('generate');
  }, 120_000);

  it('computes every signal with the models picked on Curate, rejects by a rule and makes the split', async () => {
    await page().evaluate(() => document.querySelector('main')!.scrollTo({ top: 900 }));
    await openStage(page(), 'Curate');
    // Arriving from a scrolled page, Curate opens at its top.
    expect(await page().evaluate(() => document.querySelector('main')!.scrollTop)).toBe(0);
    await expect.poll(() => text('count-matching'), { timeout: 10_000 }).toMatch(/^[\d,]+$/);
    const total = Number((await text('count-matching'))!.replace(/,/g, ''));
    expect(total).toBeGreaterThan(50);

    // Before relevance exists, a rule over it says what is missing instead of matching nothing.
    await page().getByLabel('Rule expression').fill('keep top 70% by relevance per corpus');
    await expect.poll(() => text('rule-expr-missing'), { timeout: 10_000 }).toContain('Needs relevance, which no query has yet: pick a cross-encoder');

    const signals = page().getByRole('region', { name: 'Signals' });
    await expect.poll(() => signals.getByLabel('Round-trip encoder').locator('option:checked').textContent(), { timeout: 10_000 }).toBe('tiny-bert');
    expect(await signals.getByLabel('Relevance cross-encoder').locator('option:checked').textContent()).toBe('tiny-cross-encoder');
    await signals.getByRole('button', { name: 'Compute signals' }).click();
    await expect.poll(() => signals.getByTestId('signals-progress').getAttribute('data-state'), { timeout: 90_000 }).toBe('done');
    // Its job is titled with the models' names.
    expect(await page().getByRole('complementary', { name: 'Job tray' }).textContent()).toContain('Quality signals (lexical, round trip with tiny-bert, relevance with tiny-cross-encoder)');
    const pane = page().getByRole('region', { name: 'Query and passage' });
    await expect.poll(() => pane.locator('dd').allTextContents(), { timeout: 10_000 }).not.toContain('–');

    // The same rule now applies: the 30% least relevant queries are rejected.
    await expect.poll(() => text('rule-expr-preview'), { timeout: 10_000 }).toMatch(/keep top 70% by relevance per corpus: matches [\d,]+, would change [\d,]+/);
    await page().getByRole('button', { name: 'Apply rule' }).click();
    await expect.poll(async () => Number((await text('count-rejected'))!.replace(/[^\d]/g, '')), { timeout: 10_000 }).toBe(Math.floor(total * 0.3));

    // Held-out split: 20% of the passages.
    const split = page().getByRole('region', { name: 'Held-out split' });
    expect(await split.getByTestId('split-info').textContent()).toContain('No held-out split yet');
    await split.getByLabel('Held-out share (%)').fill('20');
    await split.getByRole('button', { name: 'Make split' }).click();
    await expect.poll(() => split.getByTestId('split-info').textContent(), { timeout: 10_000 }).toMatch(/^\d+ held-out passages \(20%, seed 42\) with \d+ usable queries/);

    // Accept the pending rest: more than 50, so it asks first, with the count.
    await page().getByLabel('Status').selectOption('pending');
    const pending = Number((await text('count-matching'))!.replace(/,/g, ''));
    await expect.poll(async () => Number((await text('count-matching'))!.replace(/,/g, '')), { timeout: 10_000 }).toBe(total - Math.floor(total * 0.3));
    await page().getByRole('button', { name: 'Accept all matching' }).click();
    const confirm = page().getByRole('alertdialog', { name: 'Confirm bulk action' });
    expect(await confirm.textContent()).toContain(`Accept ${(total - Math.floor(total * 0.3)).toLocaleString('en-US')} queries matching the filter?`);
    expect(pending).toBeGreaterThan(0);
    await page().locator('.curate__reader').scrollIntoViewIfNeeded();
    await stage('curate');
    // At 1280 and 1440 px: no horizontal scrollbar anywhere, every header word whole (none overflows its column).
    for (const width of [1280, 1440]) {
      await page().setViewportSize({ width, height: 860 });
      const overflow = await page().evaluate(() => {
        const wide = (el: Element) => el.scrollWidth > el.clientWidth + 1;
        return {
          main: wide(document.querySelector('main')!),
          table: wide(document.querySelector('.cq')!),
          headers: [...document.querySelectorAll('.cq__head [role="columnheader"]')].filter(wide).map((h) => h.textContent),
        };
      });
      expect(overflow, `at ${width} px`).toEqual({ main: false, table: false, headers: [] });
      await page().locator('.curate__reader').scrollIntoViewIfNeeded();
      await stage(`curate-${width}`);
    }
    await page().setViewportSize({ width: 1400, height: 860 });
    await confirm.getByRole('button', { name: /^Accept / }).click();
    await expect.poll(() => text('count-matching'), { timeout: 10_000 }).toBe('0');
    await page().getByLabel('Status').selectOption('all');
  }, 150_000);

  it('trains a few steps with its dev evaluation on the held-out split', async () => {
    await page().getByRole('link', { name: 'Next: Train →' }).click();
    await expect.poll(() => heading(page()), { timeout: 10_000 }).toContain('Train');
    // Corpus, Models, Generate and Curate are ticked in the sidebar now.
    await expect.poll(() => page().locator('.nav__link[data-done]').count(), { timeout: 10_000 }).toBe(4);
    await page().getByRole('form', { name: 'Training settings' }).waitFor({ timeout: 10_000 });
    await page().getByLabel('Steps').fill(String(TRAIN_STEPS));
    await page().getByLabel('Batch size').fill('4');
    await page().getByLabel('Max sequence length').fill('32');
    await page().getByRole('button', { name: 'Start training' }).click();
    const run = page().getByRole('region', { name: /^Run \d+$/ }).first();
    await expect.poll(() => run.locator('[data-status]').getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    await expect.poll(() => run.getByRole('table', { name: 'Dev metrics per epoch' }).locator('tbody tr').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(await page().getByRole('complementary', { name: 'Job tray' }).textContent()).toContain('Fine-tune tiny-bert');
    await run.scrollIntoViewIfNeeded();
    await stage('train');
  }, 150_000);

  it('builds both indexes and searches three ways: base, tuned and BM25', async () => {
    await openStage(page(), 'Search');
    const builds = page().getByRole('button', { name: /^Build index for / });
    await expect.poll(() => builds.count(), { timeout: 15_000 }).toBe(2);
    const labels = await builds.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')!));
    for (const label of labels) await page().getByRole('button', { name: label, exact: true }).click();
    await expect.poll(() => page().locator('[data-index-state="ready"]').count(), { timeout: 90_000 }).toBe(2);
    expect(await page().getByRole('complementary', { name: 'Job tray' }).textContent()).toContain('Build index for tiny-bert');
    await page().getByLabel('Search query').fill('the whale ship sailed from nantucket');
    const columns = page().getByRole('region', { name: /^Results of / });
    await expect.poll(() => columns.count(), { timeout: 15_000 }).toBe(3);
    for (let i = 0; i < 3; i++) await expect.poll(() => columns.nth(i).locator('[data-passage-id]').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page().getByLabel('Retriever 3').inputValue()).toBe('bm25');
    await stage('search');
    // The query is still there after leaving Search and coming back.
    await stageLink(page(), 'Curate').click();
    await openStage(page(), 'Search');
    expect(await page().getByLabel('Search query').inputValue()).toBe('the whale ship sailed from nantucket');
  }, 150_000);

  it('evaluates base, tuned and BM25 on the held-out queries', async () => {
    await openStage(page(), 'Evaluate');
    await expect.poll(() => text('split-info'), { timeout: 10_000 }).toMatch(/held-out passages \(20%, seed 42\)/);
    expect(await page().getByTestId('eval-missing').count()).toBe(0);
    // BM25 and both encoders (their indexes are built) are picked once the index list has arrived.
    const form = page().getByRole('form', { name: 'Run an evaluation' });
    await expect.poll(() => form.getByRole('checkbox', { checked: true }).count(), { timeout: 10_000 }).toBe(3);
    await page().getByRole('button', { name: 'Run evaluation' }).click();
    const table = page().getByRole('table', { name: 'Evaluation metrics' });
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 90_000 }).toBe(3);
    // Numbered per project: the first evaluation is #1.
    expect(await text('shown-evaluation')).toMatch(/^Evaluation #1 · .* · held-out queries/);
    for (const row of await table.locator('tbody tr').all()) expect(await row.textContent()).not.toMatch(/\(model \d+\)/);
    await table.scrollIntoViewIfNeeded();
    await stage('evaluate');
  }, 120_000);

  it('exports the accepted pairs as a download', async () => {
    await openStage(page(), 'Curate');
    const exportCard = page().getByRole('region', { name: 'Export' });
    await exportCard.getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(() => text('export-result'), { timeout: 10_000 }).toMatch(/^[\d,]+ pairs → /);
    const pairs = Number((await text('export-result'))!.split(' ')[0].replace(/,/g, ''));
    const [download] = await Promise.all([page().waitForEvent('download'), exportCard.getByRole('link', { name: /^Download pairs\.tsv/ }).click()]);
    const file = path.join(e2e.tmp, 'downloaded-pairs.tsv');
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(pairs);
    expect(lines.every((l) => l.split('\t').length === 2)).toBe(true);
    await exportCard.scrollIntoViewIfNeeded();
    await stage('export');
  }, 60_000);

  it('builds the embedding map with documents named by title', async () => {
    await openStage(page(), 'Search');
    await page().getByRole('tab', { name: 'Embedding map' }).click();
    await page().getByRole('button', { name: 'Build map' }).click();
    await page().getByTestId('map-canvas').waitFor({ timeout: 90_000 });
    const legend = page().getByRole('list', { name: 'Legend' });
    await expect.poll(() => legend.locator('li').count(), { timeout: 10_000 }).toBeGreaterThan(2);
    expect(await legend.textContent()).not.toMatch(/document \d+/);
    await stage('map');
    // Every step of the pipeline is ticked now.
    await expect.poll(() => page().locator('.nav__link[data-done]').count(), { timeout: 10_000 }).toBe(7);
    expect(e2e.consoleErrors).toEqual([]);
  }, 120_000);
});
