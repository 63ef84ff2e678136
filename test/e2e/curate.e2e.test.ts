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
// Then the Models page on a new project. Local folders: add the tiny-bert fixture folder by path,
// see its facts in the list, embed two texts and get the cosine PyTorch's embeddings give, set
// E5-style query and passage prefixes (they persist across a reload and in the project), reset
// them, then remove it. The Hub panel, against a local fake Hub (real @huggingface/hub client, real
// HTTP): download tiny-bert by id with byte progress inline and in the jobs tray until it is in
// the project with its facts; a missing repo (404) and a gated one (401) give toasts with the
// Hub's message; the cache list shows the snapshot and deletes it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/temp-dir.js';
import { cosineSimilarity } from '../../src-main/core/models/pooling.js';
import { FakeHub } from '../src-main/core/models/hub/hub-server.js';
import { addTinyBert, seedPairs } from '../src-main/core/training/training-fixture.js';
import { createE2eProject, heading, openStage, repoRoot, runE2e, screenshot, stageLink } from './helpers.js';
import { useE2eSession } from './session.js';

const TINY_BERT = path.join(repoRoot, 'test', 'fixtures', 'tiny-bert');
const reference = JSON.parse(readFileSync(path.join(TINY_BERT, 'reference.json'), 'utf8')) as { sentences: string[]; embeddings: number[][] };
const REPO = 'genq-test/tiny-bert';
const HUB_ENV = ['HF_ENDPOINT', 'GENQ_CACHE', 'HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'GENQ_OFFLINE', 'HF_HUB_OFFLINE'] as const;

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

describe.skipIf(!runE2e)('Curate, Train and Models pages in Chromium (web mode)', () => {
  const hub = new FakeHub({ [REPO]: { dir: TINY_BERT }, 'genq-test/gated-bert': { dir: TINY_BERT, token: 'hf_e2e_secret' } });
  const saved = Object.fromEntries(HUB_ENV.map((k) => [k, process.env[k]]));
  const e2e = useE2eSession({
    name: 'curate',
    project: 'p',
    async prepare({ tmp }) {
      // For the Models page's Hub panel (below): a local fake Hub.
      // genq serve (and its job workers) read the Hub settings from the environment it inherits.
      for (const k of HUB_ENV) delete process.env[k];
      process.env.HF_ENDPOINT = await hub.start();
      process.env.GENQ_CACHE = path.join(tmp, 'cache');
      // Slow the weights down (64 KiB every 60 ms, ~1.3 s) so progress is visible mid-download.
      hub.slow.set('model.safetensors', 60);
    },
    async teardown() {
      await hub.stop();
      for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
    },
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

  describe('Models page, on a new empty project', () => {
    beforeAll(async () => {
      await e2e.callApi('projects', 'create', { dir: path.join(e2e.tmp, 'models') });
    });

    describe('local model folders', () => {
      const row = () => e2e.page.getByRole('row', { name: 'Model tiny-bert' });
      const fact = (name: string) => row().locator(`[data-fact="${name}"]`).textContent();

      it('starts empty and explains what to add', async () => {
        await e2e.page.goto(e2e.serve.url);
        await openStage(e2e.page, 'Models');
        await e2e.page.getByText('No models yet').waitFor({ timeout: 10_000 });
        // A browser cannot pick a folder path natively: no Browse… in web mode.
        expect(await e2e.page.getByRole('button', { name: 'Browse…' }).count()).toBe(0);
      });

      it('shows a clear error for a folder that is not a model', async () => {
        await e2e.page.getByLabel('Model folder').fill(path.join(e2e.tmp, 'no-model-here'));
        await e2e.page.getByRole('button', { name: 'Add model' }).click();
        const toast = e2e.page.getByRole('alert').first();
        await toast.waitFor({ timeout: 15_000 });
        expect(await toast.textContent()).toContain('no-model-here');
        await toast.getByRole('button', { name: 'Dismiss' }).click();
      });

      it('adds the tiny-bert folder and lists its facts', async () => {
        await e2e.page.getByLabel('Model folder').fill(TINY_BERT);
        await e2e.page.getByRole('button', { name: 'Add model' }).click();
        await row().waitFor({ timeout: 30_000 });
        expect(await e2e.page.getByTestId('model-added').textContent()).toContain('Added tiny-bert as an encoder');
        // "Remove" is in view without scrolling the table sideways.
        const remove = row().getByRole('button', { name: 'Remove', exact: true });
        const [box, table] = [await remove.boundingBox(), await e2e.page.locator('.models__scroll').boundingBox()];
        expect(box!.x + box!.width).toBeLessThanOrEqual(table!.x + table!.width + 1);
        expect(await fact('architecture')).toContain('bert');
        expect(await fact('architecture')).toContain('sentence-transformers');
        expect(await fact('hidden')).toBe('64');
        expect(await fact('max-length')).toBe('128');
        expect(await fact('pooling')).toBe('mean');
        expect(await fact('parameters')).toMatch(/^\d+(\.\d)? K$/);
        expect(await fact('size')).toMatch(/^\d+(\.\d)? (KB|MB)$/);
        expect(await fact('provider')).toBe('cpu');
        // The form clears after the list refreshes; poll rather than read once.
        await expect.poll(() => e2e.page.getByLabel('Model folder').inputValue(), { timeout: 10_000 }).toBe('');
      });

      it('embeds two texts and shows the cosine PyTorch gives', async () => {
        const [a, b] = reference.sentences;
        const expected = cosineSimilarity(Float32Array.from(reference.embeddings[0]), Float32Array.from(reference.embeddings[1]));
        await e2e.page.getByLabel('Text A').fill(a);
        await e2e.page.getByLabel('Text B').fill(b);
        await e2e.page.getByRole('button', { name: 'Compare' }).click();
        const value = e2e.page.getByTestId('cosine-value');
        await value.waitFor({ timeout: 30_000 });
        expect(Number(await value.textContent())).toBeCloseTo(expected, 3);
        expect(await e2e.page.getByLabel('Cosine similarity').textContent()).toContain('64-d');
        await screenshot(e2e.page, 'models');
      });

      it('sets query and passage prefixes, which persist, and resets them to the folder’s', async () => {
        const form = e2e.page.getByRole('form', { name: 'Prefixes of tiny-bert' });
        const current = () => form.getByTestId('prefixes-current').textContent();
        // The fixture folder has no prompts in config_sentence_transformers.json.
        expect(await current()).toBe('query none · passage none · none (the folder has no prompts)');
        const save = form.getByRole('button', { name: 'Save prefixes' });
        expect(await save.isDisabled()).toBe(true);
        const query = form.getByLabel('Query prefix of tiny-bert');
        expect(await query.getAttribute('placeholder')).toContain('E5: "query: "');
        // A colon without its space gets a hint; the trailing space is kept as typed.
        await query.fill('query:');
        await form.getByText('and no space').waitFor();
        await query.fill('query: ');
        await form.getByLabel('Passage prefix of tiny-bert').fill('passage: ');
        await save.click();
        await expect
          .poll(() => e2e.page.getByTestId('prefixes-saved').textContent(), { timeout: 10_000 })
          .toBe('✓ Saved for tiny-bert: query prefix "query: ", passage prefix "passage: ". Its search index (if built) is now stale: rebuild it on the Search page.');
        await expect.poll(current).toBe('query "query: " · passage "passage: " · set in this project');
        await form.scrollIntoViewIfNeeded();
        await screenshot(e2e.page, 'models-prefixes');

        // Stored in the project: the API lists them, and a reload shows them.
        const [model] = (await e2e.callApi('models', 'list', {})) as Array<{ name: string; prefixes: unknown; prefixesFrom: string }>;
        expect(model.prefixes).toEqual({ query: 'query: ', passage: 'passage: ' });
        expect(model.prefixesFrom).toBe('project');
        await e2e.page.reload();
        await expect.poll(current, { timeout: 15_000 }).toBe('query "query: " · passage "passage: " · set in this project');
        expect(await form.getByLabel('Query prefix of tiny-bert').inputValue()).toBe('query: ');

        await form.getByRole('button', { name: 'Reset to the folder’s' }).click();
        await expect.poll(current, { timeout: 10_000 }).toBe('query none · passage none · none (the folder has no prompts)');
        expect(await e2e.page.getByTestId('prefixes-saved').textContent()).toMatch(/^✓ Reset to the folder’s prompts for tiny-bert: query prefix none, passage prefix none\./);
        expect(await form.getByRole('button', { name: 'Reset to the folder’s' }).count()).toBe(0);
        const [after] = (await e2e.callApi('models', 'list', {})) as Array<{ prefixes: unknown; prefixesFrom: string }>;
        expect(after).toMatchObject({ prefixes: { query: '', passage: '' }, prefixesFrom: 'folder' });
      });

      it('removes the model after a confirmation', async () => {
        await row().getByRole('button', { name: 'Remove', exact: true }).click();
        await row().getByRole('button', { name: 'Remove tiny-bert' }).click();
        await e2e.page.getByText('No models yet').waitFor({ timeout: 10_000 });
        expect(await e2e.page.getByRole('heading', { name: 'Try it' }).count()).toBe(0);
      });
    });

    describe('Hugging Face Hub downloads', () => {
      const panel = () => e2e.page.getByRole('region', { name: 'Hugging Face Hub' });
      const cacheCard = () => e2e.page.getByRole('region', { name: 'Model cache' });
      const inline = (label: string) => panel().getByRole('listitem', { name: `Download ${label}` });
      const idInput = () => panel().getByLabel('Hub model id');
      const downloadButton = () => panel().getByRole('button', { name: 'Download', exact: true });
      const modelRow = () => e2e.page.getByRole('row', { name: `Model ${REPO}` });
      const fact = (name: string) => modelRow().locator(`[data-fact="${name}"]`).textContent();

      /** Asks for a download of `repo` that fails: the error toast's text, dismissed afterwards. */
      async function failedDownload(repo: string): Promise<string> {
        await idInput().fill(repo);
        await downloadButton().click();
        const toast = e2e.page.getByRole('alert').first();
        await toast.waitFor({ timeout: 20_000 });
        const text = (await toast.textContent()) ?? '';
        await toast.getByRole('button', { name: 'Dismiss' }).click();
        return text;
      }

      it('shows the Hub status, and suggested defaults per role with their sizes', async () => {
        await e2e.page.goto(e2e.serve.url);
        await openStage(e2e.page, 'Models');
        await panel().waitFor({ timeout: 15_000 });
        const status = panel().getByLabel('Hub status');
        await expect.poll(() => status.locator('[data-hub="endpoint"]').textContent(), { timeout: 10_000 }).toBe(hub.url);
        // "online" only once the endpoint answered (a probe from the server).
        await expect.poll(() => status.locator('[data-hub="offline"]').textContent(), { timeout: 10_000 }).toBe('online');
        expect(await status.locator('[data-hub="token"]').textContent()).toBe('no HF_TOKEN');
        expect(await status.textContent()).toContain(path.join(e2e.tmp, 'cache', 'hub'));

        // Query generator is the first role: the T5 checkpoints, the default one marked.
        const generators = panel().getByRole('list', { name: 'Suggested query generator models' });
        const t5 = generators.getByRole('listitem', { name: 'Suggestion BeIR/query-gen-msmarco-t5-base-v1' });
        await t5.waitFor({ timeout: 10_000 });
        expect(await t5.textContent()).toContain('default');
        expect(await t5.locator('[data-suggestion="cost"]').textContent()).toMatch(/^223 M parameters · ~\d+ MB$/);
        await panel().getByRole('radio', { name: 'Encoder', exact: true }).check();
        const encoders = panel().getByRole('list', { name: 'Suggested encoder models' });
        expect(await encoders.getByRole('listitem', { name: 'Suggestion sentence-transformers/all-MiniLM-L6-v2' }).locator('[data-suggestion="cost"]').textContent()).toMatch(
          /^22\.7 M parameters/,
        );
        await screenshot(e2e.page, 'models-hub-suggestions');
      });

      it('validates the id before anything is sent', async () => {
        const input = idInput();
        const download = downloadButton();
        expect(await download.isDisabled()).toBe(true);
        await input.fill('tiny-bert');
        expect(await input.getAttribute('aria-invalid')).toBe('true');
        expect(await panel().locator('#hub-repo-help').textContent()).toContain('OWNER/NAME');
        expect(await download.isDisabled()).toBe(true);
        await input.fill('genq-test/tiny-bert@');
        expect(await panel().locator('#hub-repo-help').textContent()).toContain('nothing after @');
        await input.fill(REPO);
        expect(await input.getAttribute('aria-invalid')).toBe('false');
        expect(await download.isEnabled()).toBe(true);
      });

      it('downloads tiny-bert by id with byte progress, then lists it in the project with its facts', async () => {
        await panel().getByRole('radio', { name: 'Encoder', exact: true }).check();
        await downloadButton().click();
        const item = inline(REPO);
        await item.waitFor({ timeout: 10_000 });
        const bar = item.getByRole('progressbar');
        // Mid-download: some bytes of a known total, inline and in the tray.
        await expect.poll(async () => Number((await bar.getAttribute('aria-valuenow')) ?? 0), { timeout: 20_000 }).toBeGreaterThan(0);
        const tray = e2e.page.getByRole('complementary', { name: 'Job tray' }).getByRole('listitem', { name: new RegExp(`^Job \\d+: Download ${REPO}$`) });
        await tray.waitFor({ timeout: 10_000 });
        expect(await tray.getByRole('progressbar').getAttribute('aria-valuemax')).toBe(await bar.getAttribute('aria-valuemax'));
        await screenshot(e2e.page, 'models-hub-downloading');

        await expect.poll(() => item.getAttribute('data-phase'), { timeout: 30_000 }).toBe('added');
        const total = await bar.getAttribute('aria-valuemax');
        expect(Number(total)).toBeGreaterThan(1_300_000); // tiny-bert's safetensors alone is 1.35 MB
        expect(await bar.getAttribute('aria-valuenow')).toBe(total);
        expect(await item.locator('[data-download="status"]').textContent()).toBe('Done: added to the project as encoder');
        expect(await tray.locator('.badge').textContent()).toBe('done');

        await modelRow().waitFor({ timeout: 15_000 });
        expect(await modelRow().locator('.pill').textContent()).toBe('encoder');
        expect(await fact('architecture')).toContain('bert');
        expect(await fact('architecture')).toContain('sentence-transformers');
        expect(await fact('hidden')).toBe('64');
        expect(await fact('pooling')).toBe('mean');
        expect(await modelRow().locator('.models__path').textContent()).toBe(path.join(e2e.tmp, 'cache', 'hub', 'models--genq-test--tiny-bert', 'snapshots', FakeHub.commitOf(REPO)));
        await modelRow().scrollIntoViewIfNeeded();
        await screenshot(e2e.page, 'models-hub-downloaded');
      });

      it('a repo that does not exist (404) gives a toast with the Hub message', async () => {
        const text = await failedDownload('genq-test/no-such-model');
        expect(text).toContain('HubRepoNotFoundError');
        expect(text).toContain('genq-test/no-such-model: model not found on');
        const item = inline('genq-test/no-such-model');
        expect(await item.getAttribute('data-phase')).toBe('failed');
        expect(await item.locator('[data-download="status"]').textContent()).toContain('check the id (OWNER/NAME)');
        await item.scrollIntoViewIfNeeded();
        await screenshot(e2e.page, 'models-hub-404');
      });

      it('a gated repo without HF_TOKEN (401) says how to get access', async () => {
        const text = await failedDownload('genq-test/gated-bert');
        expect(text).toContain('HubAccessError');
        expect(text).toContain('HTTP 401');
        expect(text).toContain('set HF_TOKEN=hf_...');
        expect(await inline('genq-test/gated-bert').getAttribute('data-phase')).toBe('failed');
      });

      it('lists the snapshot cached on this machine; Use adds it back to the project with a role', async () => {
        const row = cacheCard().getByRole('row', { name: `Cached ${REPO}` });
        await row.waitFor({ timeout: 10_000 });
        expect(await row.locator('[data-cached="commit"]').textContent()).toBe(FakeHub.commitOf(REPO).slice(0, 12));
        expect(await row.locator('[data-cached="size"]').textContent()).toMatch(/^1\.\d MB$/);
        expect(await row.locator('[data-cached="date"]').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
        expect(await row.textContent()).toContain('in this project');
        expect(await cacheCard().getByRole('row', { name: /gated|no-such/ }).count()).toBe(0);

        // Forget the project's model, then bring it back from the cache as a cross-encoder.
        const [model] = (await e2e.callApi('models', 'list', {})) as Array<{ id: number }>;
        await e2e.callApi('models', 'remove', { id: model.id });
        await expect.poll(() => modelRow().count(), { timeout: 10_000 }).toBe(0);
        expect(await row.textContent()).not.toContain('in this project');
        await row.getByLabel(`Role for ${REPO}`).selectOption('cross-encoder');
        await row.getByRole('button', { name: 'Use' }).click();
        await modelRow().waitFor({ timeout: 15_000 });
        expect(await modelRow().locator('.pill').textContent()).toBe('cross-encoder');
        await expect.poll(() => row.textContent(), { timeout: 5_000 }).toContain('in this project');
        await row.scrollIntoViewIfNeeded();
        await screenshot(e2e.page, 'models-hub-cache');
      });

      it('deletes the snapshot from the cache after a confirmation', async () => {
        const row = cacheCard().getByRole('row', { name: `Cached ${REPO}` });
        await row.getByRole('button', { name: 'Delete', exact: true }).click();
        expect(await row.textContent()).toContain('it will stop loading'); // the project still points to it
        await row.getByRole('button', { name: /^Delete 1\.\d MB$/ }).click();
        await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
        expect(await cacheCard().textContent()).toContain('Nothing cached on this machine yet');
        expect(existsSync(path.join(e2e.tmp, 'cache', 'hub', 'models--genq-test--tiny-bert'))).toBe(false);
      });
    });
  });

  it('logged no console errors', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
