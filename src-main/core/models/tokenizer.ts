// Text → token ids for a Hugging Face model folder. The tokenization itself (normalizer,
// pre-tokenizer, WordPiece/Unigram/BPE model, special-token template) is done by the maintained
// @huggingface/tokenizers library; this file only adds what that library leaves out:
// truncation (Hugging Face's "longest_first" strategy), padding of batches, and counting.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

export class TokenizerLoadError extends Error {
  override name = 'TokenizerLoadError';
}

interface PostProcessed {
  tokens: string[];
  token_type_ids?: number[];
}
type PostProcessorFn = (a: string[], b: string[] | null, addSpecialTokens: boolean) => PostProcessed;

function readJson(path: string, required: boolean): Record<string, any> | undefined {
  if (!existsSync(path)) {
    if (required) throw new TokenizerLoadError(`${path}: file is missing (every model folder needs a tokenizer.json)`);
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
  } catch (e) {
    throw new TokenizerLoadError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The library lacks the "Nmt" normalizer (T5/SentencePiece tokenizers use it). In Hugging Face
 * tokenizers it is two character maps (normalizers/unicode.rs, do_nmt): drop some control
 * characters, turn some separators into ' '. Rewritten here as the equivalent Replace normalizers.
 */
function withSupportedNormalizers(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withSupportedNormalizers);
  if (!node || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  if (obj.type === 'Nmt') {
    return {
      type: 'Sequence',
      normalizers: [
        { type: 'Replace', pattern: { Regex: '[\\u0001-\\u0008\\u000B\\u000E-\\u001F\\u007F\\u008F\\u009F]' }, content: '' },
        { type: 'Replace', pattern: { Regex: '[\\u0009\\u000A\\u000C\\u000D\\u1680\\u200B-\\u200F\\u2028\\u2029\\u2581\\uFEFF\\uFFFD]' }, content: ' ' },
      ],
    };
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, k === 'normalizers' ? withSupportedNormalizers(v) : v]));
}

/** A special-token string from tokenizer_config.json (either "x" or {content: "x"}). */
function tokenString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

export class TextTokenizer {
  readonly padId: number;
  /** One more than the largest token id the tokenizer can emit (added tokens included). */
  readonly vocabSize: number;
  /** tokenizer_config.json's model_max_length when it is a real limit (not HF's 1e30 sentinel). */
  readonly modelMaxLength: number | undefined;
  private readonly idOf: Map<string, number>;
  private readonly unkId: number;
  private readonly postProcess: PostProcessorFn;

  private constructor(
    private readonly tokenizer: Tokenizer,
    tokenizerJson: Record<string, any>,
    tokenizerConfig: Record<string, any>,
    readonly source: string,
  ) {
    this.idOf = tokenizer.get_vocab(true);
    let maxId = -1;
    for (const id of this.idOf.values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    const unkToken = tokenString(tokenizerConfig.unk_token) ?? tokenizerJson.model?.unk_token;
    const unkId = typeof tokenizerJson.model?.unk_id === 'number' ? tokenizerJson.model.unk_id : undefined;
    this.unkId = unkId ?? (unkToken !== undefined ? this.idOf.get(unkToken) : undefined) ?? 0;
    const padToken = tokenString(tokenizerConfig.pad_token);
    const padFromJson = tokenizerJson.padding?.pad_id;
    this.padId = (padToken !== undefined ? this.idOf.get(padToken) : undefined) ?? (typeof padFromJson === 'number' ? padFromJson : 0);
    const maxLen = tokenizerConfig.model_max_length;
    this.modelMaxLength = typeof maxLen === 'number' && maxLen > 0 && maxLen < 1e9 ? maxLen : undefined;
    // The library's post-processor is a callable object (TemplateProcessing, BertProcessing, ...).
    const pp = tokenizer.post_processor as unknown as PostProcessorFn | null;
    this.postProcess = pp
      ? (a, b, add) => pp(a, b, add)
      : (a, b) => ({ tokens: b ? [...a, ...b] : a, token_type_ids: [...a.map(() => 0), ...(b ?? []).map(() => 1)] });
  }

  /** Reads tokenizer.json + tokenizer_config.json (+ special_tokens_map.json) from a model folder. */
  static fromFolder(dir: string): TextTokenizer {
    const jsonPath = join(dir, 'tokenizer.json');
    const tokenizerJson = readJson(jsonPath, true)!;
    const config = readJson(join(dir, 'tokenizer_config.json'), false) ?? {};
    const specialMap = readJson(join(dir, 'special_tokens_map.json'), false) ?? {};
    // special_tokens_map.json fills in what tokenizer_config.json leaves out.
    const merged: Record<string, any> = { ...specialMap, ...config };
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer({ ...tokenizerJson, normalizer: withSupportedNormalizers(tokenizerJson.normalizer) }, merged);
    } catch (e) {
      throw new TokenizerLoadError(`${jsonPath}: the tokenizer cannot be built (${(e as Error).message})`);
    }
    return new TextTokenizer(tokenizer, tokenizerJson, merged, jsonPath);
  }

  /** Token ids with special tokens (by default), truncated to maxLength *including* the specials. */
  encode(text: string, opts: { addSpecialTokens?: boolean; maxLength?: number } = {}): number[] {
    const add = opts.addSpecialTokens ?? true;
    let tokens = this.contentTokens(text);
    if (opts.maxLength !== undefined) {
      const room = Math.max(0, opts.maxLength - (add ? this.specialCount(false) : 0));
      tokens = tokens.slice(0, room);
    }
    return this.toIds(this.postProcess(tokens, null, add).tokens);
  }

  /** A pair ([CLS] a [SEP] b [SEP] for BERT) with token type ids; truncates the longer side first. */
  encodePair(a: string, b: string, opts: { maxLength?: number } = {}): { ids: number[]; typeIds: number[] } {
    let ta = this.contentTokens(a);
    let tb = this.contentTokens(b);
    if (opts.maxLength !== undefined) {
      const room = Math.max(0, opts.maxLength - this.specialCount(true));
      // Hugging Face's longest_first: drop one token at a time from the currently longer sequence.
      let la = ta.length;
      let lb = tb.length;
      while (la + lb > room) {
        if (la > lb) la--;
        else lb--;
      }
      ta = ta.slice(0, la);
      tb = tb.slice(0, lb);
    }
    const out = this.postProcess(ta, tb, true);
    const ids = this.toIds(out.tokens);
    return { ids, typeIds: out.token_type_ids ?? ids.map(() => 0) };
  }

  /** Encodes several texts and right-pads them with padId to the longest one. */
  encodeBatch(texts: string[], opts: { maxLength?: number } = {}): { inputIds: number[][]; attentionMask: number[][]; length: number } {
    const encoded = texts.map((t) => this.encode(t, { maxLength: opts.maxLength }));
    const length = encoded.reduce((m, ids) => Math.max(m, ids.length), 0);
    const inputIds = encoded.map((ids) => [...ids, ...new Array<number>(length - ids.length).fill(this.padId)]);
    const attentionMask = encoded.map((ids) => [...ids.map(() => 1), ...new Array<number>(length - ids.length).fill(0)]);
    return { inputIds, attentionMask, length };
  }

  decode(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode(ids, { skip_special_tokens: opts.skipSpecialTokens ?? false });
  }

  /** Number of tokens the text becomes, without special tokens and without truncation. */
  countTokens(text: string): number {
    return this.contentTokens(text).length;
  }

  /** The id of a token string, or undefined when the vocabulary lacks it. */
  tokenId(token: string): number | undefined {
    return this.idOf.get(token);
  }

  private contentTokens(text: string): string[] {
    return this.tokenizer.tokenize(text, { add_special_tokens: false });
  }

  /** How many special tokens the template adds to a single text (or to a pair). */
  private specialCount(pair: boolean): number {
    return this.postProcess([], pair ? [] : null, true).tokens.length;
  }

  private toIds(tokens: string[]): number[] {
    return tokens.map((t) => this.idOf.get(t) ?? this.unkId);
  }
}
