// End to end in a real browser: `genq serve` (built by `npm run build`) driven by Debian's
// Chromium through playwright-core. Creates a project in the UI, visits every page, watches a job's
// progress bar move to done, and fails on any console error.
// Then, on the same server and browser, a project with the beir-sotu-mini passages (plus a few
// curated queries), tiny-bert and tiny-mpnet as encoders. Through the UI: build both indexes,
// search with both models and BM25 side by side and see rank-change markers, open a passage
// (its queries and document), evaluate on the BEIR folder, and build the embedding map.
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/temp-dir.js';
import { heading, openStage, repoRoot, resultsDir, runE2e, screenshot, stageLink } from './helpers.js';
import { useE2eSession } from './session.js';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures');
const BEIR = path.join(FIXTURES, 'beir-sotu-mini');
const corpus = readFileSync(path.join(BEIR, 'corpus.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { _id: string; title: string; text: string });
const hawaii = corpus.find((d) => d._id === '1890-20')!;

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

  describe('Search and Evaluate pages, on a project with the beir-sotu-mini passages', () => {
    let passageCount = 0;
    beforeAll(async () => {
      // A new project (the server opens it), filled over HTTP.
      await e2e.callApi('projects', 'create', { dir: path.join(e2e.tmp, 'p') });
      const job = await e2e.callApi('corpus', 'startImport', { paths: [path.join(BEIR, 'corpus.jsonl')] });
      await waitUntil(async () => (await e2e.callApi('jobs', 'get', { id: job.id })).state === 'done', 60_000, 'the corpus import');
      // Curated synthetic queries for the Hawaii passage: two accepted, one rejected.
      writeFileSync(path.join(e2e.tmp, 'accepted.tsv'), `hawaii reciprocity treaty\t${hawaii.text}\nduties on hawaiian sugar\t${hawaii.text}\n`);
      writeFileSync(path.join(e2e.tmp, 'rejected.tsv'), `benjamin harrison\t${hawaii.text}\n`);
      expect(await e2e.callApi('curation', 'importPairs', { path: path.join(e2e.tmp, 'accepted.tsv'), status: 'accepted' })).toMatchObject({ imported: 2, newPassages: 0 });
      expect(await e2e.callApi('curation', 'importPairs', { path: path.join(e2e.tmp, 'rejected.tsv'), status: 'rejected' })).toMatchObject({ imported: 1, newPassages: 0 });
      passageCount = (await e2e.callApi('corpus', 'stats', {})).passages;
      expect(passageCount).toBeGreaterThanOrEqual(corpus.length);
      await e2e.callApi('models', 'add', { dir: path.join(FIXTURES, 'tiny-bert'), name: 'tiny-bert' });
      await e2e.callApi('models', 'add', { dir: path.join(FIXTURES, 'tiny-mpnet'), name: 'tiny-mpnet' });
    }, 120_000);

    const column = (name: string) => e2e.page.getByRole('region', { name: `Results of ${name}` });

    it('builds both indexes from the Search page', async () => {
      await e2e.page.goto(`${e2e.serve.url}#/search`);
      await expect.poll(() => heading(e2e.page), { timeout: 15_000 }).toContain('Search');
      const state = (name: string) => e2e.page.getByRole('row', { name: `Index of ${name}` }).getAttribute('data-index-state');
      await expect.poll(() => state('tiny-bert'), { timeout: 15_000 }).toBe('missing');
      expect(await state('tiny-mpnet')).toBe('missing');
      // Smaller HNSW settings than the defaults, to see that the form's values reach the index.
      await e2e.page.getByText('Index settings').click();
      await e2e.page.getByRole('spinbutton', { name: 'M', exact: true }).fill('8');
      await e2e.page.getByRole('button', { name: 'Build index for tiny-bert' }).click();
      await e2e.page.getByRole('button', { name: 'Build index for tiny-mpnet' }).click();
      await expect.poll(() => state('tiny-bert'), { timeout: 60_000 }).toBe('ready');
      await expect.poll(() => state('tiny-mpnet'), { timeout: 60_000 }).toBe('ready');
      const bertRow = e2e.page.getByRole('row', { name: 'Index of tiny-bert' });
      expect(await bertRow.textContent()).toContain('M 8 · efC 200 · ef 100');
      expect(await bertRow.locator('td').nth(2).textContent()).toBe(String(passageCount));
      await screenshot(e2e.page, 'search-indexes');
    }, 150_000);

    it('searches as you type with both models and BM25 side by side, with rank changes', async () => {
      // The default columns: the two models, then BM25.
      expect(await e2e.page.getByLabel('Retriever 1').inputValue()).not.toBe('');
      expect(await e2e.page.getByLabel('Retriever 3').inputValue()).toBe('bm25');
      await e2e.page.getByLabel('Search query').pressSequentially('reciprocity treaty with the Kingdom of Hawaii', { delay: 15 });
      for (const name of ['tiny-bert', 'tiny-mpnet']) {
        await expect.poll(() => column(name).locator('[data-passage-id]').count(), { timeout: 20_000 }).toBe(10);
      }
      // BM25 returns only passages sharing a term with the query.
      await expect.poll(() => column('BM25').locator('[data-passage-id]').count(), { timeout: 20_000 }).toBeGreaterThan(0);
      const bm25Hits = await column('BM25').locator('[data-passage-id]').count();
      // BM25 finds the Hawaii passage first.
      expect(await column('BM25').locator('[data-passage-id]').first().textContent()).toContain('Kingdom of Hawaii');
      // Columns 2 and 3 mark every hit against column 1; two different tiny models disagree somewhere.
      expect(await column('tiny-bert').locator('[data-rank-change]').count()).toBe(0);
      expect(await column('tiny-mpnet').locator('[data-rank-change]').count()).toBe(10);
      expect(await column('BM25').locator('[data-rank-change]').count()).toBe(bm25Hits);
      const kinds = await e2e.page.locator('[data-rank-change]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-rank-change')}:${e.textContent}`));
      expect(kinds.some((k) => /^(up:↑\d+|down:↓\d+|new:new)$/.test(k) && !k.startsWith('same'))).toBe(true);
      expect(kinds.every((k) => /^(up:↑\d+|down:↓\d+|new:new|same:=)$/.test(k))).toBe(true);
      await column('tiny-mpnet').scrollIntoViewIfNeeded();
      await screenshot(e2e.page, 'search-columns');

      // Results follow the text: a different query changes BM25's top hit.
      await e2e.page.getByLabel('Search query').fill('militia mint weights and measures');
      await expect.poll(() => column('BM25').locator('[data-passage-id]').first().textContent(), { timeout: 10_000 }).toContain('militia');
    }, 90_000);

    it('opens a passage with its synthetic queries and document', async () => {
      await e2e.page.getByLabel('Search query').fill('Kingdom of Hawaii reciprocity');
      await expect.poll(() => column('BM25').locator('[data-passage-id]').first().textContent(), { timeout: 10_000 }).toContain('Hawaii');
      await column('BM25').locator('[data-passage-id]').first().click();
      const detail = e2e.page.getByRole('region', { name: 'Passage details' });
      await detail.getByRole('list', { name: 'Synthetic queries' }).waitFor({ timeout: 10_000 });
      expect(await detail.locator('li[data-status="accepted"]').count()).toBe(2);
      expect(await detail.locator('li[data-status="rejected"]').textContent()).toContain('benjamin harrison');
      expect(await detail.getByTestId('passage-document').textContent()).toContain('Benjamin Harrison 1890');
      expect(await detail.locator('mark').textContent()).toContain('Kingdom of Hawaii');
      // The same passage is marked in every column that found it.
      expect(await e2e.page.locator('.shit--selected').count()).toBeGreaterThanOrEqual(1);
      await screenshot(e2e.page, 'search-passage');
    }, 30_000);

    it('evaluates both models and BM25 on the BEIR folder', async () => {
      await openStage(e2e.page, 'Evaluate');
      await e2e.page.getByText('No evaluations yet.').waitFor({ timeout: 10_000 });
      await e2e.page.getByLabel('a BEIR folder').check();
      await e2e.page.getByLabel('BEIR folder', { exact: true }).fill(BEIR);
      // Browse… needs Electron's dialog: not offered in web mode.
      expect(await e2e.page.getByRole('button', { name: 'Browse…' }).count()).toBe(0);
      for (const name of [/^BM25/, /tiny-bert/, /tiny-mpnet/]) expect(await e2e.page.getByRole('checkbox', { name }).isChecked()).toBe(true);
      await e2e.page.getByRole('button', { name: 'Run evaluation' }).click();
      const table = e2e.page.getByRole('table', { name: 'Evaluation metrics' });
      await expect.poll(() => table.locator('tbody tr').count(), { timeout: 90_000 }).toBe(3);
      const cell = (retriever: string, metric: string) => table.locator(`tr[data-retriever^="${retriever}"] td[data-metric="${metric}"]`).textContent();
      for (const retriever of ['BM25', 'tiny-bert', 'tiny-mpnet']) {
        for (const metric of ['mrr@10', 'ndcg@10', 'recall@1', 'recall@10', 'recall@100', 'map@100']) {
          const value = Number(await cell(retriever, metric));
          expect(value, `${retriever} ${metric}`).toBeGreaterThanOrEqual(0);
          expect(value, `${retriever} ${metric}`).toBeLessThanOrEqual(1);
        }
      }
      // BM25 answers q3 (Hawaii) and q1 (militia) with their passages: a clearly non-zero MRR.
      expect(Number(await cell('BM25', 'mrr@10'))).toBeGreaterThan(0.3);
      expect(await cell('BM25', 'hnsw-recall')).toBe('n/a');
      expect(Number(await cell('tiny-bert', 'hnsw-recall'))).toBeGreaterThanOrEqual(0.9);
      // 8 judged queries with a relevant document (q8 has none and is skipped, as BEIR does).
      expect(await table.locator('tr[data-retriever="BM25"]').textContent()).toContain('+1 skipped');
      expect(await e2e.page.getByTestId('shown-evaluation').textContent()).toContain('BEIR beir-sotu-mini (test)');
      await e2e.page.getByTestId('results-chart').locator('.recharts-bar-rectangle').first().waitFor({ timeout: 10_000 });
      expect(await e2e.page.getByRole('table', { name: 'Evaluation history' }).locator('tbody tr').count()).toBe(1);
      await table.scrollIntoViewIfNeeded();
      await screenshot(e2e.page, 'evaluate');

      // No held-out split in this project: Evaluate says so before running, and the BEIR results stay.
      await e2e.page.getByLabel('held-out split’s synthetic queries').check();
      expect(await e2e.page.getByTestId('eval-missing').textContent()).toContain('No held-out split yet');
      expect(await e2e.page.getByRole('button', { name: 'Run evaluation' }).isDisabled()).toBe(true);
      expect(await e2e.page.getByTestId('split-info').textContent()).toContain('No held-out split yet');
      expect(await table.locator('tbody tr').count()).toBe(3);
    }, 150_000);

    it('builds the embedding map and shows its text on hover', async () => {
      await stageLink(e2e.page, 'Search').click();
      await e2e.page.getByRole('tab', { name: 'Embedding map' }).click();
      await e2e.page.getByText('No map for this model yet').waitFor({ timeout: 15_000 });
      await e2e.page.getByRole('button', { name: 'Build map' }).click();
      const map = e2e.page.getByTestId('map-canvas');
      await map.waitFor({ timeout: 90_000 });
      // Every passage and the 2 non-rejected queries.
      expect(await map.getAttribute('data-points')).toBe(String(passageCount + 2));
      expect(await e2e.page.getByTestId('map-summary').textContent()).toContain(`${passageCount} passages and 2 queries`);
      // Hover: sweep the canvas until a point's tooltip shows.
      const box = (await e2e.page.locator('.mapc__canvas').boundingBox())!;
      let tip = '';
      for (let y = box.y + 16; y < box.y + box.height && !tip; y += 10) {
        for (let x = box.x + 16; x < box.x + box.width && !tip; x += 10) {
          await e2e.page.mouse.move(x, y);
          if (await e2e.page.getByRole('tooltip').count()) tip = (await e2e.page.getByRole('tooltip').textContent()) ?? '';
        }
      }
      expect(tip).toMatch(/(passage|query) \d+/);
      // Colour by curation status: the legend counts the accepted queries.
      await e2e.page.getByLabel('Color by').selectOption('status');
      expect(await e2e.page.getByRole('list', { name: 'Legend' }).textContent()).toContain('query: accepted (2)');
      await screenshot(e2e.page, 'search-map');
    }, 150_000);
  });

  it('logged no console errors', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
