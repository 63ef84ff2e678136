// The Models page in Chromium (web mode), one server and one browser for both parts.
// Local folders: add the tiny-bert fixture folder by path, see its facts in the list, embed two
// texts and get the cosine PyTorch's embeddings give, set E5-style query and passage prefixes (they
// persist across a reload and in the project), reset them, then remove it.
// The Hub panel, against a local fake Hub (real @huggingface/hub client, real HTTP): download
// tiny-bert by id with byte progress inline and in the jobs tray until it is in the project with
// its facts; a missing repo (404) and a gated one (401) give toasts with the Hub's message; the
// cache list shows the snapshot and deletes it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeHub } from '../src-main/core/models/hub/hub-server.js';
import { openStage, repoRoot, runE2e, screenshot } from './helpers.js';
import { useE2eSession } from './session.js';

const TINY_BERT = path.join(repoRoot, 'test', 'fixtures', 'tiny-bert');
const reference = JSON.parse(readFileSync(path.join(TINY_BERT, 'reference.json'), 'utf8')) as { sentences: string[]; embeddings: number[][] };
const REPO = 'genq-test/tiny-bert';
const HUB_ENV = ['HF_ENDPOINT', 'GENQ_CACHE', 'HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'GENQ_OFFLINE', 'HF_HUB_OFFLINE'] as const;

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

describe.skipIf(!runE2e)('Models page in Chromium (web mode)', () => {
  const hub = new FakeHub({ [REPO]: { dir: TINY_BERT }, 'genq-test/gated-bert': { dir: TINY_BERT, token: 'hf_e2e_secret' } });
  const saved = Object.fromEntries(HUB_ENV.map((k) => [k, process.env[k]]));
  const e2e = useE2eSession({
    name: 'models',
    async prepare({ tmp }) {
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
      const expected = cosine(reference.embeddings[0], reference.embeddings[1]);
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

  it('logged no console errors', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
