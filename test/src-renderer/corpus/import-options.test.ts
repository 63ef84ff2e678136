import { describe, expect, it } from 'vitest';
import { defaultImportForm, hasFields, toImportOptions, validateImportForm } from '../../../src-renderer/components/corpus/import-options.js';

describe('import options form state', () => {
  it('starts from the schema defaults (300-token passages, keep duplicates, skip bad records)', () => {
    const form = defaultImportForm();
    expect(form.format).toBe('auto');
    expect(form.chunking).toMatchObject({ maxTokens: 300, overlapTokens: 0, minChars: 20 });
    expect(form.dedupe).toMatchObject({ exact: true, near: true, threshold: 0.9, action: 'keep' });
    expect(form.onError).toBe('skip');
    expect(form.fields).toEqual({ text: '', id: '', title: '' });
    expect(validateImportForm(form)).toEqual([]);
  });

  it('sends blank fields as auto-detect and trims the others', () => {
    const form = defaultImportForm();
    form.fields = { text: ' body ', id: '', title: 'headline' };
    expect(toImportOptions(form).fields).toEqual({ text: 'body', title: 'headline' });
  });

  it('reports what the server would reject, by option', () => {
    const form = defaultImportForm();
    form.chunking = { ...form.chunking, maxTokens: 50, overlapTokens: 60 };
    form.dedupe = { ...form.dedupe, threshold: 0.2 };
    const problems = validateImportForm(form);
    expect(problems.some((p) => p.startsWith('chunking.overlapTokens'))).toBe(true);
    expect(problems.some((p) => p.startsWith('dedupe.threshold'))).toBe(true);
  });

  it('asks for fields only where records have them', () => {
    expect(['auto', 'jsonl', 'json', 'csv', 'tsv'].every((f) => hasFields(f as never))).toBe(true);
    expect(['txt', 'md', 'pdf', 'html', 'docx'].some((f) => hasFields(f as never))).toBe(false);
  });
});
