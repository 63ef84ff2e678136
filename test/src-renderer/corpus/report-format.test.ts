import { describe, expect, it } from 'vitest';
import type { ImportFileReport } from '../../../shared/services/corpus.js';
import { displayPath, errorLines, formatBytes } from '../../../src-renderer/components/corpus/report-format.js';

const file = (over: Partial<ImportFileReport>): ImportFileReport => ({
  path: '/p/uploads/abc123ab/notes.jsonl',
  format: 'jsonl',
  encoding: 'utf-8',
  status: 'imported',
  bytes: 10,
  documents: 1,
  passages: 1,
  duplicates: 0,
  droppedShort: 0,
  errors: [],
  errorCount: 0,
  ...over,
});

describe('import report wording', () => {
  it('shows uploaded files by the path the user dropped', () => {
    expect(displayPath('/p/uploads/abc123ab/docs/a.txt', '/p')).toBe('docs/a.txt');
    expect(displayPath('/p/uploads/abc123ab/docs/a.txt', '/p/')).toBe('docs/a.txt');
    expect(displayPath('/elsewhere/a.txt', '/p')).toBe('/elsewhere/a.txt');
    expect(displayPath('C:\\p\\uploads\\abc123ab\\a.txt', 'C:\\p')).toBe('a.txt');
  });

  it('lists bad records as file:line: message without repeating the line or path', () => {
    const lines = errorLines(
      [
        file({ errors: [{ line: 4, message: 'line 4: malformed JSON' }, { message: 'no text field' }], errorCount: 5 }),
        file({ path: '/p/uploads/abc123ab/bin.txt', status: 'failed', errorName: 'BinaryFileError', message: '/p/uploads/abc123ab/bin.txt: looks binary' }),
      ],
      '/p',
    );
    expect(lines).toEqual([
      'notes.jsonl:4: malformed JSON',
      'notes.jsonl: no text field',
      'notes.jsonl: … 3 more bad records',
      'bin.txt: BinaryFileError: looks binary',
    ]);
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(12_853)).toBe('12.6 KB');
    expect(formatBytes(1024 * 1024 * 300)).toBe('300 MB');
  });
});
