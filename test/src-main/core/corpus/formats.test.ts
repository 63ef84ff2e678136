import { describe, expect, test } from 'vitest';
import { FORMAT_READERS, formatForPath } from '../../../../src-main/core/corpus/formats/index.js';
import type { FormatInput, SourceDocument, RecordError } from '../../../../src-main/core/corpus/formats/types.js';
import { checkFile } from '../../../../src-main/core/corpus/decode.js';
import type { CorpusFormat } from '../../../../shared/services/corpus.js';
import { fixture } from './helpers.js';

async function read(name: string, fields: FormatInput['fields'] = {}, format?: CorpusFormat) {
  const path = fixture(name);
  const limits = { maxFileBytes: 1e9, maxGzipRatio: 200 };
  const { gzip } = await checkFile(path, limits);
  const docs: SourceDocument[] = [];
  const errors: RecordError[] = [];
  const reader = FORMAT_READERS[format ?? formatForPath(path)!];
  for await (const item of reader({ path, gzip, limits, counter: { rawBytes: 0 }, encoding: 'auto', fields, onEncoding: () => {} })) {
    if (item.doc) docs.push(item.doc);
    else errors.push(item.error);
  }
  return { docs, errors };
}

const sectionTexts = (d: SourceDocument) => (d.sections ?? []).map((s) => [s.title, d.text.slice(s.start, s.end).trim().slice(0, 30)]);

describe('format readers', () => {
  test('formatForPath looks under .gz and ignores unknown extensions', () => {
    expect(formatForPath('/a/corpus.JSONL.gz')).toBe('jsonl');
    expect(formatForPath('/a/notes.markdown')).toBe('md');
    expect(formatForPath('/a/image.png')).toBeNull();
    expect(formatForPath('/a/README')).toBeNull();
  });

  test('txt: one document, chapter heading as title', async () => {
    const { docs } = await read('moby-dick/chapter_001.txt');
    expect(docs).toHaveLength(1);
    expect(docs[0].title).toBe('Loomings.');
    expect(docs[0].text.startsWith('Loomings.\n\nCall me Ishmael.')).toBe(true);
  });

  test('jsonl: BEIR _id/title/text recognised automatically', async () => {
    const { docs, errors } = await read('beir-corpus.jsonl');
    expect(errors).toEqual([]);
    expect(docs.map((d) => [d.externalId, d.title, d.line])).toEqual([
      ['d1', 'Carpet-Bag', 1], ['d2', 'New Bedford', 2], ['d3', 'Copy', 3], ['d4', 'Near copy', 4], ['d5', 'Inn', 5],
    ]);
  });

  test('jsonl: chosen fields (SOTU id/president/text)', async () => {
    const { docs } = await read('sotu-excerpt.jsonl', { text: 'text', id: 'id', title: 'president' });
    expect(docs).toHaveLength(3);
    expect(docs[0]).toMatchObject({ externalId: '1790_george_washington_n', title: 'George Washington' });
    expect(docs[0].text.startsWith('Fellow-Citizens of the Senate')).toBe(true);
  });

  test('jsonl: malformed line and missing field are record errors with line numbers', async () => {
    const bad = await read('malformed.jsonl');
    expect(bad.docs).toHaveLength(3);
    expect(bad.errors).toEqual([{ line: 3, message: expect.stringMatching(/^line 3: malformed JSON/) }]);
    const missing = await read('missing-field.jsonl');
    expect(missing.errors).toEqual([{ line: 2, message: 'line 2: no "text" field (fields: body_text); choose the text field' }]);
  });

  test('json: an object holding an array of records, fields detected (id/heading/body)', async () => {
    const { docs } = await read('records.json');
    expect(docs.map((d) => [d.externalId, d.title])).toEqual([['d1', 'Carpet-Bag'], ['d2', 'New Bedford']]);
  });

  test('csv: RFC 4180 quotes (commas, quotes, newlines inside fields) with line numbers', async () => {
    const { docs, errors } = await read('table.csv');
    expect(errors).toEqual([]);
    expect(docs[0]).toMatchObject({ externalId: 'c1', title: 'Quoted, comma', text: 'He said, "Call me Ishmael." Then\nhe left on a second line.', line: 2 });
    expect(docs[1]).toMatchObject({ externalId: 'c2', line: 4 });
  });

  test('tsv and missing columns', async () => {
    expect((await read('table.tsv')).docs.map((d) => d.externalId)).toEqual(['t1', 't2']);
    await expect(read('missing-column.csv')).rejects.toMatchObject({
      name: 'MissingFieldError',
      message: expect.stringMatching(/missing-column\.csv:1: missing text column \(columns: id, label\)/),
    });
    await expect(read('table.csv', { text: 'body' })).rejects.toThrow(/missing text column "body" \(columns: id, title, text\)/);
  });

  test('md: markup stripped, headings kept as section titles', async () => {
    const { docs } = await read('notes.md');
    const doc = docs[0];
    expect(doc.title).toBe('Whaling Notes');
    expect(doc.text).toContain('Some emphasis, a link and code. Ishmael & Queequeg share a bed.');
    expect(doc.text).not.toMatch(/[*`[\]#]|https:/);
    expect(sectionTexts(doc).map((s) => s[0])).toEqual(['Whaling Notes', 'The Inn', 'Ships']);
    expect(doc.text).toContain('Pequod | Ahab');
  });

  test('html: visible text only, entities decoded, headings as sections', async () => {
    const { docs } = await read('page.html');
    const doc = docs[0];
    expect(doc.title).toBe('The Spouter-Inn');
    expect(doc.text).not.toMatch(/never shown|color: red|enable scripts/);
    expect(doc.text).toContain('A very dim & creaking sign, with a tall straight jet of misty spray.');
    expect(sectionTexts(doc).map((s) => s[0])).toEqual([undefined, 'The Spouter-Inn', 'Sign']);
  });

  test('pdf: text per page, one section per page', async () => {
    const { docs } = await read('two-pages.pdf');
    expect(sectionTexts(docs[0])).toEqual([
      ['two-pages, page 1', 'Call me Ishmael. Some years ag'],
      ['two-pages, page 2', 'The Carpet-Bag. I stuffed a sh'],
    ]);
  });

  test('docx: paragraphs and headings through mammoth', async () => {
    const { docs } = await read('sample.docx');
    expect(docs[0].text).toMatch(/^Loomings\n\nCall me Ishmael\. .*\n\nThere now is your insular city/);
    expect(sectionTexts(docs[0]).map((s) => s[0])).toEqual(['Loomings']);
  });

  test('a non-PDF given as PDF is a file error naming it', async () => {
    await expect(read('notes.md', {}, 'pdf')).rejects.toMatchObject({ name: 'ImportFileError', message: expect.stringContaining('notes.md: is not a readable PDF') });
  });
});
