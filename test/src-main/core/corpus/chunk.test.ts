import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { chunkDocument, estimateTokens, type ChunkOptions } from '../../../../src-main/core/corpus/chunk.js';
import { TextTokenizer } from '../../../../src-main/core/models/tokenizer.js';
import { fixture } from './helpers.js';

const sotu = readFileSync(fixture('sotu-excerpt.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);
const moby = ['moby-dick/chapter_001.txt', 'moby-dick/chapter_002.txt'].map((f) => readFileSync(fixture(f), 'utf8'));
const realTexts = [...sotu, ...moby];

const opts = (o: Partial<ChunkOptions> = {}): ChunkOptions => ({ maxTokens: 300, overlapTokens: 0, minChars: 0, countTokens: estimateTokens, ...o });
const nonSpace = (s: string) => s.replace(/\s+/g, '');

/** The invariants every chunking must keep, checked on one document. */
function expectInvariants(text: string, o: ChunkOptions): number {
  const { passages } = chunkDocument(text, undefined, o);
  let previousEnd = 0;
  for (const p of passages) {
    const slice = text.slice(p.start, p.end);
    expect(p.tokenCount).toBeLessThanOrEqual(o.maxTokens);
    expect(o.countTokens(slice)).toBe(p.tokenCount);
    expect(slice).toBe(slice.trim());
    expect(p.start).toBeGreaterThanOrEqual(previousEnd); // in order, no overlap
    previousEnd = p.end;
  }
  // Nothing lost or duplicated: the passages hold every non-space character exactly once.
  expect(passages.map((p) => nonSpace(text.slice(p.start, p.end))).join('')).toBe(nonSpace(text));
  return passages.length;
}

describe('chunkDocument', () => {
  test('real text (SOTU, Moby-Dick) at several budgets keeps every invariant', () => {
    for (const budget of [300, 120, 40]) {
      let total = 0;
      for (const text of realTexts) total += expectInvariants(text, opts({ maxTokens: budget }));
      expect(total).toBeGreaterThan(realTexts.length);
    }
  });

  test("with a model tokenizer the budget holds in that tokenizer's counts", () => {
    const tokenizer = TextTokenizer.fromFolder(fixture('../tiny-bert'));
    const count = (s: string) => tokenizer.countTokens(s);
    for (const text of [moby[0], sotu[0]]) expectInvariants(text, opts({ maxTokens: 128, countTokens: count }));
  });

  test('passages end at sentence boundaries when sentences fit', () => {
    const { passages } = chunkDocument(sotu[0], undefined, opts({ maxTokens: 100 }));
    const endsAtSentence = passages.filter((p) => /[.!?:;"”)]$/.test(sotu[0].slice(p.start, p.end)));
    expect(endsAtSentence.length).toBeGreaterThanOrEqual(passages.length - 1);
  });

  test('overlap repeats trailing sentences but always moves forward and covers everything', () => {
    const text = moby[0];
    const { passages } = chunkDocument(text, undefined, opts({ maxTokens: 120, overlapTokens: 40 }));
    let overlapping = 0;
    for (let i = 1; i < passages.length; i++) {
      expect(passages[i].start).toBeGreaterThan(passages[i - 1].start);
      expect(passages[i].end).toBeGreaterThan(passages[i - 1].end);
      if (passages[i].start < passages[i - 1].end) overlapping++;
      expect(passages[i].tokenCount).toBeLessThanOrEqual(120);
    }
    expect(overlapping).toBeGreaterThan(0);
    const covered = new Uint8Array(text.length);
    for (const p of passages) covered.fill(1, p.start, p.end);
    for (let i = 0; i < text.length; i++) if (!/\s/.test(text[i])) expect(covered[i]).toBe(1);
  });

  test('an over-budget sentence is split at spaces, a giant word at characters, never inside a surrogate pair', () => {
    const giant = '🐋'.repeat(700) + 'x'.repeat(3000);
    const text = `${'word '.repeat(900)}end. ${giant} tail.`;
    const n = expectInvariants(text, opts({ maxTokens: 50 }));
    expect(n).toBeGreaterThan(10);
    for (const p of chunkDocument(text, undefined, opts({ maxTokens: 50 })).passages) {
      expect(/[\uD800-\uDBFF]$/.test(text.slice(p.start, p.end))).toBe(false);
    }
  });

  test('sections are chunked separately and give passages their titles', () => {
    const text = 'Intro sentence here.\n\nFirst part. It has two sentences.\n\nSecond part only.';
    const sections = [
      { start: 0, end: 20 },
      { start: 22, end: 55, title: 'One' },
      { start: 57, end: text.length, title: 'Two' },
    ];
    const { passages } = chunkDocument(text, sections, opts());
    expect(passages.map((p) => [text.slice(p.start, p.end), p.title])).toEqual([
      ['Intro sentence here.', undefined],
      ['First part. It has two sentences.', 'One'],
      ['Second part only.', 'Two'],
    ]);
  });

  test('passages shorter than minChars are dropped and counted', () => {
    const text = 'Page 3\n\n' + 'A long enough sentence about whales and the sea. '.repeat(3);
    const sections = [{ start: 0, end: 6 }, { start: 8, end: text.length }];
    const result = chunkDocument(text, sections, opts({ minChars: 20 }));
    expect(result.droppedShort).toBe(1);
    expect(result.passages).toHaveLength(1);
  });

  test('rejects budgets that cannot work', () => {
    expect(() => chunkDocument('x', undefined, opts({ maxTokens: 0 }))).toThrow(/maxTokens/);
    expect(() => chunkDocument('x', undefined, opts({ maxTokens: 10, overlapTokens: 10 }))).toThrow(/overlapTokens/);
  });

  test('estimateTokens counts words, punctuation and long words', () => {
    expect(estimateTokens('Call me Ishmael.')).toBe(4);
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('antidisestablishmentarianism')).toBe(4); // 28 chars → 1 + 3
  });

  test('estimateTokens (a character-class scan) equals its regex definition on mixed Unicode', () => {
    const byRegex = (text: string) => {
      let tokens = 0;
      for (const m of text.matchAll(/[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu)) tokens += 1 + Math.floor((m[0].length - 1) / 8);
      return tokens;
    };
    // Letters, digits, marks, punctuation, every kind of space, CJK, Arabic digits, emoji, 𝔸 (an
    // astral letter), lone surrogates and a BOM.
    const pool = ['a', 'Z', '7', '.', ',', '-', ' ', '\n', '\t', '\u00a0', '\u2003', '\u3000', 'é', 'e\u0301', '鯨', '٣', '🐋', '𝔸', '\ud800', '\udc00', '\ufeff', '"', '—', 'ß'];
    let seed = 42;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let t = 0; t < 2000; t++) {
      const text = Array.from({ length: rand(40) }, () => pool[rand(pool.length)].repeat(1 + rand(3) * rand(6))).join('');
      expect(estimateTokens(text), JSON.stringify(text)).toBe(byRegex(text));
    }
    for (const text of realTexts) expect(estimateTokens(text)).toBe(byRegex(text));
  });
});
