import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../../../src-main/core/models/tokenizer.js';
import { copyFixture, FIXTURES, reference, tempDir } from './fixtures.js';

describe('TextTokenizer', () => {
  for (const name of ['tiny-bert', 'tiny-mpnet']) {
    it(`${name}: token ids identical to the Python tokenizer for every probe sentence`, () => {
      const tok = TextTokenizer.fromFolder(join(FIXTURES, name));
      const ref = reference(name);
      ref.sentences.forEach((s, i) => expect(tok.encode(s), s).toEqual(ref.input_ids[i]));
    });
  }

  it('tiny-t5: SentencePiece/Unigram ids (Nmt normalizer) match, truncated to 128 with </s> kept', () => {
    const tok = TextTokenizer.fromFolder(join(FIXTURES, 'tiny-t5'));
    const ref = JSON.parse(readFileSync(join(FIXTURES, 'tiny-t5', 'reference.json'), 'utf8')) as { passages: string[]; input_ids: number[][] };
    ref.passages.forEach((p, i) => expect(tok.encode(p, { maxLength: 128 })).toEqual(ref.input_ids[i]));
    expect(tok.encode('tab\there', { addSpecialTokens: false })).toEqual(tok.encode('tab here', { addSpecialTokens: false }));
  });

  it('tiny-cross-encoder: pairs with token types, longest-first truncation to 128', () => {
    const tok = TextTokenizer.fromFolder(join(FIXTURES, 'tiny-cross-encoder'));
    const ref = JSON.parse(readFileSync(join(FIXTURES, 'tiny-cross-encoder', 'reference.json'), 'utf8')) as {
      pairs: [string, string][];
      input_ids: number[][];
      token_type_ids: number[][];
    };
    ref.pairs.forEach(([q, p], i) => {
      const enc = tok.encodePair(q, p, { maxLength: 128 });
      expect(enc.ids).toEqual(ref.input_ids[i]);
      expect(enc.typeIds).toEqual(ref.token_type_ids[i]);
    });
  });

  it('truncates to maxLength including the special tokens, keeping [CLS] … [SEP]', () => {
    const tok = TextTokenizer.fromFolder(join(FIXTURES, 'tiny-bert'));
    const long = reference('tiny-bert').sentences[3];
    const ids = tok.encode(long, { maxLength: 10 });
    expect(ids).toHaveLength(10);
    expect(ids[0]).toBe(2);
    expect(ids[9]).toBe(3);
    expect(ids.slice(0, 9)).toEqual(tok.encode(long).slice(0, 9));
    expect(tok.encode(long, { addSpecialTokens: false, maxLength: 5 })).toEqual(tok.encode(long).slice(1, 6));
  });

  it('encodeBatch right-pads with the pad id to the longest text', () => {
    const tok = TextTokenizer.fromFolder(join(FIXTURES, 'tiny-mpnet'));
    const batch = tok.encodeBatch(['tax cuts', 'How many troops were sent overseas in 1943?']);
    expect(batch.length).toBe(14);
    expect(batch.inputIds[0]).toEqual([0, 623, 3670, 2, ...new Array(10).fill(1)]);
    expect(batch.attentionMask[0]).toEqual([1, 1, 1, 1, ...new Array(10).fill(0)]);
    expect(batch.attentionMask[1]).toEqual(new Array(14).fill(1));
    expect(tok.padId).toBe(1);
    expect(tok.vocabSize).toBe(4096);
  });

  it('decodes, skips specials on request, and counts tokens without specials', () => {
    const tok = TextTokenizer.fromFolder(join(FIXTURES, 'tiny-bert'));
    const ids = tok.encode('UPPER case AND lower Case MiXeD');
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('upper case and lower case mixed');
    expect(tok.decode(ids)).toContain('[CLS]');
    expect(tok.countTokens('UPPER case AND lower Case MiXeD')).toBe(ids.length - 2);
    expect(tok.decode([])).toBe('');
  });

  describe('bad folders', () => {
    const tmp = tempDir('tok');
    afterAll(() => tmp.remove());

    it('names the missing tokenizer.json', () => {
      expect(() => TextTokenizer.fromFolder(tmp.path)).toThrow(/tokenizer\.json: file is missing/);
    });

    it('names a tokenizer.json that is not JSON', () => {
      const dir = copyFixture('tiny-bert', tmp.path);
      writeFileSync(join(dir, 'tokenizer.json'), '{"version": ');
      expect(() => TextTokenizer.fromFolder(dir)).toThrow(/tiny-bert\/tokenizer\.json: not valid JSON/);
    });
  });
});
