// End to end in Chromium (web mode): a project with the beir-sotu-mini passages (plus a few
// curated queries), tiny-bert and tiny-mpnet as encoders. Through the UI: build both indexes,
// search with both models and BM25 side by side and see rank-change markers, open a passage
// (its queries and document), evaluate on the BEIR folder, and build the embedding map.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/temp-dir.js';
import { heading, openStage, repoRoot, runE2e, screenshot, stageLink } from './helpers.js';
import { useE2eSession } from './session.js';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures');
const BEIR = path.join(FIXTURES, 'beir-sotu-mini');
const corpus = readFileSync(path.join(BEIR, 'corpus.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { _id: string; title: string; text: string });
const hawaii = corpus.find((d) => d._id === '1890-20')!;

describe.skipIf(!runE2e)('Search and Evaluate pages in Chromium (web mode)', () => {
  let passageCount = 0;
  const e2e = useE2eSession({
    name: 'search',
    project: 'p',
    timeoutMs: 120_000,
    async seed({ tmp, callApi }) {
      const job = await callApi('corpus', 'startImport', { paths: [path.join(BEIR, 'corpus.jsonl')] });
      await waitUntil(async () => (await callApi('jobs', 'get', { id: job.id })).state === 'done', 60_000, 'the corpus import');
      // Curated synthetic queries for the Hawaii passage: two accepted, one rejected.
      writeFileSync(path.join(tmp, 'accepted.tsv'), `hawaii reciprocity treaty\t${hawaii.text}\nduties on hawaiian sugar\t${hawaii.text}\n`);
      writeFileSync(path.join(tmp, 'rejected.tsv'), `benjamin harrison\t${hawaii.text}\n`);
      expect(await callApi('curation', 'importPairs', { path: path.join(tmp, 'accepted.tsv'), status: 'accepted' })).toMatchObject({ imported: 2, newPassages: 0 });
      expect(await callApi('curation', 'importPairs', { path: path.join(tmp, 'rejected.tsv'), status: 'rejected' })).toMatchObject({ imported: 1, newPassages: 0 });
      passageCount = (await callApi('corpus', 'stats', {})).passages;
      expect(passageCount).toBeGreaterThanOrEqual(corpus.length);
      await callApi('models', 'add', { dir: path.join(FIXTURES, 'tiny-bert'), name: 'tiny-bert' });
      await callApi('models', 'add', { dir: path.join(FIXTURES, 'tiny-mpnet'), name: 'tiny-mpnet' });
    },
  });
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

  it('logged no console errors', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
