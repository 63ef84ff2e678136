// The Models page in Chromium (web mode): add the tiny-bert fixture folder by path, see its facts
// in the list, embed two texts and get the cosine PyTorch's embeddings give, set E5-style query and
// passage prefixes (they persist across a reload and in the project), reset them, then remove it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStage, repoRoot, runE2e, screenshot } from './helpers.js';
import { useE2eSession } from './session.js';

const TINY_BERT = path.join(repoRoot, 'test', 'fixtures', 'tiny-bert');
const reference = JSON.parse(readFileSync(path.join(TINY_BERT, 'reference.json'), 'utf8')) as { sentences: string[]; embeddings: number[][] };

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
  const e2e = useE2eSession({ name: 'models' });

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

  it('logged no console errors', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
