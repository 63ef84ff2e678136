// The import options form's state: the schema's own defaults (so the UI, CLI and job agree), with
// the JSON/CSV field names as plain strings (empty = auto-detect).
import { importParamsSchema, type ImportParams } from '../../../shared/services/corpus.js';
import type { ImportOptions } from './sources.js';

export type ImportFormState = Omit<ImportParams, 'paths' | 'fields'> & { fields: { text: string; id: string; title: string } };

export function defaultImportForm(): ImportFormState {
  const { paths: _paths, fields, ...rest } = importParamsSchema.parse({ paths: ['-'] });
  return { ...rest, fields: { text: fields.text ?? '', id: fields.id ?? '', title: fields.title ?? '' } };
}

/** Form state → the options sent with the import (blank fields left to auto-detection). */
export function toImportOptions(form: ImportFormState): ImportOptions {
  const fields: ImportOptions['fields'] = {};
  for (const key of ['text', 'id', 'title'] as const) {
    const value = form.fields[key].trim();
    if (value) fields[key] = value;
  }
  return { ...form, fields };
}

/** Problems the server would reject, worded for the form; empty when the options are valid. */
export function validateImportForm(form: ImportFormState): string[] {
  const parsed = importParamsSchema.safeParse({ ...toImportOptions(form), paths: ['-'] });
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
}

/** Formats whose records have named fields or columns to choose. */
export function hasFields(format: ImportFormState['format']): boolean {
  return format === 'auto' || format === 'json' || format === 'jsonl' || format === 'csv' || format === 'tsv';
}
