// Passages → queries with a loaded T5 model and one set of GenerationSettings: tokenize, order by
// token length so a batch holds passages of similar length (little padding), decode (sampling,
// greedy or beam), detokenize, and drop exact duplicate and empty queries of each passage, counting
// them (BEIR's GenQ keeps a set per passage). Sampling streams are keyed by each passage's `key`
// (the passage id in a project), so results do not depend on batching or order.
import type { GenerationSettings } from '../../../shared/services/generation.js';
import type { T5Model } from '../models/t5/t5-model.js';
import type { TextTokenizer } from '../models/tokenizer.js';
import { beamDecode } from './beam.js';
import { decode } from './decode-loop.js';
import { argmaxToken } from './greedy.js';
import { samplingChooser } from './sampling.js';
import { parallelSamplingChooser, samplingThreads } from './sampling-pool.js';

export interface PassageIn {
  key: number;
  text: string;
}

export interface PassageQueries {
  key: number;
  /** Kept queries with their sequence index among the passage's generated sequences. */
  queries: Array<{ seq: number; text: string }>;
  duplicates: number;
  empty: number;
}

/** Sequences decoded per passage for these settings. */
export const sequencesPerPassage = (s: GenerationSettings): number => (s.mode === 'greedy' ? 1 : s.numQueries);

/** Token ids of each passage, truncated as the settings say. */
export function tokenizePassages(tokenizer: TextTokenizer, passages: PassageIn[], s: GenerationSettings): number[][] {
  const maxLength = s.maxInputTokens ?? tokenizer.modelMaxLength ?? 512;
  return passages.map((p) => tokenizer.encode(p.text, { maxLength }));
}

/** Decodes one batch of token-id passages: per passage, its sequences' ids (passage-major). */
export async function decodeBatch(model: T5Model, ids: number[][], keys: number[], s: GenerationSettings): Promise<number[][]> {
  const common = { maxNewTokens: s.maxLength, minNewTokens: s.minLength, repetitionPenalty: s.repetitionPenalty };
  if (s.mode === 'beam') {
    return beamDecode(model, ids, { ...common, numBeams: s.numBeams, lengthPenalty: s.lengthPenalty, earlyStopping: s.earlyStopping, numReturnSequences: s.numQueries });
  }
  if (s.mode === 'greedy') return decode(model, ids, { ...common, chooseToken: argmaxToken });
  const n = s.numQueries;
  const sampling = { temperature: s.temperature, topK: s.topK, topP: s.topP, seed: s.seed, numReturnSequences: n, passageIds: keys };
  const chooseToken = samplingChooser(model.vocab, sampling);
  // Rows are sampled on spare cores too (same tokens): at 48 rows × 32k vocab that is much of a step.
  const chooseTokens = samplingThreads() > 0 ? parallelSamplingChooser(model.vocab, sampling) : undefined;
  return decode(model, ids, { ...common, chooseToken, chooseTokens, numReturnSequences: n });
}

/** Decoded texts → kept queries, duplicates and empties counted. */
export function keepDistinct(key: number, texts: string[]): PassageQueries {
  const seen = new Set<string>();
  const out: PassageQueries = { key, queries: [], duplicates: 0, empty: 0 };
  texts.forEach((text, seq) => {
    if (text.length === 0) out.empty++;
    else if (seen.has(text)) out.duplicates++;
    else {
      seen.add(text);
      out.queries.push({ seq, text });
    }
  });
  return out;
}

/**
 * Queries for each passage (results in input order). Passages are sorted by token length and cut
 * into batches of `settings.batchSize`; `onBatch` sees each batch's results as soon as it is done.
 */
export async function generateQueries(
  model: T5Model,
  tokenizer: TextTokenizer,
  passages: PassageIn[],
  s: GenerationSettings,
  onBatch?: (done: PassageQueries[]) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<PassageQueries[]> {
  const ids = tokenizePassages(tokenizer, passages, s);
  const order = ids.map((_, i) => i).sort((a, b) => ids[a].length - ids[b].length || a - b);
  const per = sequencesPerPassage(s);
  const out = new Array<PassageQueries>(passages.length);
  for (let start = 0; start < order.length; start += s.batchSize) {
    if (signal?.aborted) break;
    const chunk = order.slice(start, start + s.batchSize);
    const sequences = await decodeBatch(model, chunk.map((i) => ids[i]), chunk.map((i) => passages[i].key), s);
    const results = chunk.map((i, k) => {
      const texts = sequences.slice(k * per, (k + 1) * per).map((seq) => tokenizer.decode(seq, { skipSpecialTokens: true }).trim());
      return (out[i] = keepDistinct(passages[i].key, texts));
    });
    await onBatch?.(results);
  }
  return out;
}
