import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { checkFile, decodeAll, decodeStream, readAllBytes, sniffEncoding, type DecodeLimits } from '../../../../src-main/core/corpus/decode.js';
import { fixture } from './helpers.js';

const limits: DecodeLimits = { maxFileBytes: 64 * 1024 * 1024, maxGzipRatio: 200 };
const sample = 'Ishmael – “Call me Ishmael.” Some years ago—never mind how long precisely.\n\nCafé, naïve, 鯨.\n';

async function decodeFile(name: string, encoding: Parameters<typeof decodeAll>[2] = 'auto') {
  const path = fixture(name);
  const { gzip } = await checkFile(path, limits);
  return decodeAll(path, await readAllBytes(path, gzip, limits, { rawBytes: 0 }), encoding);
}

describe('encodings', () => {
  test.each([
    ['utf8-bom.txt', 'utf-8'],
    ['utf16le-bom.txt', 'utf-16le'],
    ['utf16be-bom.txt', 'utf-16be'],
    ['utf16le-nobom.txt', 'utf-16le'],
  ])('%s decodes to the same text as %s, BOM removed', async (name, encoding) => {
    const decoded = await decodeFile(name);
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text).toBe(sample);
  });

  test('multi-byte characters split across chunk boundaries decode exactly', async () => {
    const bytes = Buffer.from(sample.repeat(50));
    for (const enc of ['utf-8', 'utf-16le'] as const) {
      const data = enc === 'utf-8' ? bytes : Buffer.from(sample.repeat(50), 'utf16le');
      const oneByteChunks = (async function* () {
        for (let i = 0; i < data.length; i += 3) yield data.subarray(i, i + 3);
      })();
      let text = '';
      for await (const c of (await decodeStream('x.txt', oneByteChunks, enc)).chunks) text += c;
      expect(text).toBe(sample.repeat(50));
    }
  });

  test('undecodable bytes are reported with their line, not replaced', async () => {
    await expect(decodeFile('invalid-utf8.txt')).rejects.toMatchObject({
      name: 'DecodeError',
      line: 3,
      message: expect.stringMatching(/invalid-utf8\.txt:3: contains bytes that are not valid utf-8/),
    });
    // The user can name the real encoding instead.
    expect((await decodeFile('invalid-utf8.txt', 'windows-1252')).text).toContain('bad byte here: Ã(');
  });

  test('sniffEncoding falls back to UTF-8 for plain ASCII', () => {
    expect(sniffEncoding(Buffer.from('hello world'))).toEqual({ encoding: 'utf-8', bomLength: 0 });
  });
});

describe('bad files', () => {
  test('binary file', async () => {
    await expect(decodeFile('binary.txt')).rejects.toMatchObject({ name: 'BinaryFileError', message: expect.stringContaining('binary.txt') });
  });

  test('empty file', async () => {
    await expect(checkFile(fixture('empty.txt'), limits)).rejects.toMatchObject({ name: 'EmptyFileError', message: expect.stringContaining('empty.txt: file is empty') });
  });

  test('vanished file', async () => {
    await expect(checkFile(fixture('gone.txt'), limits)).rejects.toMatchObject({ name: 'UnreadableFileError', message: expect.stringMatching(/gone\.txt: cannot be read: file not found/) });
  });

  test('file over the size limit names the limit and how to raise it', async () => {
    await expect(checkFile(fixture('moby-dick/chapter_001.txt'), { ...limits, maxFileBytes: 1000 })).rejects.toMatchObject({
      name: 'FileTooLargeError',
      message: expect.stringMatching(/chapter_001\.txt: is 12\.0 KB, over the 1000 bytes limit \(raise maxFileMB/),
    });
  });

  test('gzip bomb is stopped after a few MB, not after decompressing it all', async () => {
    const path = fixture('bomb.jsonl.gz');
    const { gzip } = await checkFile(path, limits);
    expect(gzip).toBe(true);
    const counter = { rawBytes: 0 };
    await expect(readAllBytes(path, gzip, limits, counter)).rejects.toMatchObject({ name: 'GzipBombError', message: expect.stringContaining('bomb.jsonl.gz: looks like a gzip bomb') });
    // A decompressed-size cap catches it too, even with a generous ratio.
    await expect(readAllBytes(path, gzip, { maxFileBytes: 4 * 1024 * 1024, maxGzipRatio: 1e6 }, { rawBytes: 0 })).rejects.toMatchObject({ name: 'FileTooLargeError' });
  });

  test('gzipped text decompresses to the original', async () => {
    const decoded = await decodeFile('moby.txt.gz');
    expect(decoded.text).toBe(readFileSync(fixture('moby-dick/chapter_002.txt'), 'utf8'));
  });
});
