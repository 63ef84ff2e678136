// Passages → synthetic queries with a T5 query-generation checkpoint (doc2query / BeIR query-gen):
// tokenize (truncated), decode greedily or by sampling through the one decoding loop, detokenize.
// Passages are batched by length so that padding stays small; results come back in input order.
import { decode } from '../../generation/decode-loop.js';
import { argmaxToken } from '../../generation/greedy.js';
import { samplingChooser, type SamplingOptions } from '../../generation/sampling.js';
import type { ModelFolder } from '../folder.js';
import type { TextTokenizer } from '../tokenizer.js';
import { T5Model, type T5LoadOptions } from './t5-model.js';

export interface QueryGenerationOptions {
  maxNewTokens: number;
  batchSize: number;
  /** Input tokens per passage, </s> included (default: the tokenizer's model_max_length, else 512). */
  maxInputTokens?: number;
  /** Absent: greedy, one query per passage. Present: sampling with a seeded stream per passage × query. */
  sampling?: SamplingOptions & { seed: number; numQueries: number };
}

export class QueryGenerationError extends Error {
  override name = 'QueryGenerationError';
}

export class QueryGenerator {
  private constructor(
    readonly model: T5Model,
    readonly tokenizer: TextTokenizer,
    readonly folder: ModelFolder,
  ) {}

  static async load(dir: string, opts: T5LoadOptions = {}): Promise<QueryGenerator> {
    const { model, tokenizer, folder } = await T5Model.load(dir, opts);
    return new QueryGenerator(model, tokenizer, folder);
  }

  /**
   * Queries for each passage, in input order. `firstIndex` is the index of passages[0] in the whole
   * input: sampling streams are keyed by it, so results do not depend on how the input is chunked.
   */
  async generate(passages: string[], opts: QueryGenerationOptions, firstIndex = 0): Promise<string[][]> {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new QueryGenerationError(`batch size must be a positive integer, got ${opts.batchSize}`);
    const maxLength = opts.maxInputTokens ?? this.tokenizer.modelMaxLength ?? 512;
    const ids = passages.map((p) => this.tokenizer.encode(p, { maxLength }));
    const order = ids.map((_, i) => i).sort((a, b) => ids[b].length - ids[a].length);
    const perPassage = opts.sampling?.numQueries ?? 1;
    const out = new Array<string[]>(passages.length);
    for (let start = 0; start < order.length; start += opts.batchSize) {
      const chunk = order.slice(start, start + opts.batchSize);
      const chooseToken = opts.sampling
        ? samplingChooser(this.model.vocab, { ...opts.sampling, numReturnSequences: perPassage, passageIds: chunk.map((i) => firstIndex + i) })
        : argmaxToken;
      const sequences = await decode(this.model, chunk.map((i) => ids[i]), { maxNewTokens: opts.maxNewTokens, chooseToken, numReturnSequences: perPassage });
      chunk.forEach((i, k) => {
        out[i] = sequences.slice(k * perPassage, (k + 1) * perPassage).map((seq) => this.tokenizer.decode(seq, { skipSpecialTokens: true }).trim());
      });
    }
    return out;
  }

  async release(): Promise<void> {
    await this.model.release();
  }
}
