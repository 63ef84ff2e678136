// Text → sentence embeddings for a model folder, as sentence-transformers computes them:
// tokenize (lower-casing first when sentence_bert_config asks), truncate to max_seq_length, run the
// encoder on onnxruntime in length-sorted batches, pool and normalise per the module pipeline.
// The base model and a fine-tuned one (the trainer writes the same folder layout) share this path.
import { join } from 'node:path';
import { loadModelFolder, ModelFolderError, type ModelFolder } from './folder.js';
import { defaultCacheDir, encoderGraphPath } from './graph-cache.js';
import { poolHiddenStates } from './pooling.js';
import { folderPrefixes, withPrefix, type ModelPrefixes } from './prefixes.js';
import { OnnxSession, type ProviderChoice, type ProviderName, type TensorIn } from './session.js';
import { TextTokenizer } from './tokenizer.js';

export interface EmbedderOptions {
  /** Where built graphs are cached (the project's models/ folder, or ~/.cache/genq-workbench). */
  cacheDir?: string;
  threads?: number;
  provider?: ProviderChoice;
  /** Use the folder's onnx/model.onnx when it has one instead of building the graph. */
  useShippedOnnx?: boolean;
  /** Prefixes embedQueries / embedPassages put before the texts (default: the folder's prompts). */
  prefixes?: ModelPrefixes;
}

export interface HiddenStates {
  data: Float32Array; // [batch, seq, hidden]
  dims: [number, number, number];
  attentionMask: number[][]; // [batch, seq]
}

export class Embedder {
  private constructor(
    readonly folder: ModelFolder,
    readonly tokenizer: TextTokenizer,
    private readonly session: OnnxSession,
    /** 'built': our graph with pooling fused; 'shipped': the folder's onnx/model.onnx, pooled here. */
    readonly graph: 'built' | 'shipped',
    readonly graphPath: string,
    /** What embedQueries and embedPassages put before each text. */
    readonly prefixes: ModelPrefixes,
  ) {}

  static async load(dir: string, opts: EmbedderOptions = {}): Promise<Embedder> {
    const folder = loadModelFolder(dir);
    if (folder.architecture === 't5') {
      throw new ModelFolderError(`${join(folder.transformerDir, 'config.json')}: model_type "t5" is a generator, not a sentence encoder (bert or mpnet expected)`);
    }
    const tokenizer = TextTokenizer.fromFolder(folder.transformerDir);
    const rows: number = folder.config.vocab_size;
    if (tokenizer.vocabSize > rows) {
      throw new ModelFolderError(
        `${tokenizer.source}: the tokenizer has ${tokenizer.vocabSize} token ids but the model's embedding matrix has ${rows} rows (config.json vocab_size); tokenizer and weights do not belong together`,
      );
    }
    const shipped = opts.useShippedOnnx ? folder.shippedOnnx : undefined;
    const graphPath = shipped ?? (await encoderGraphPath(folder, opts.cacheDir ?? defaultCacheDir()));
    const session = await OnnxSession.create(graphPath, { threads: opts.threads, provider: opts.provider });
    return new Embedder(folder, tokenizer, session, shipped ? 'shipped' : 'built', graphPath, opts.prefixes ?? folderPrefixes(folder));
  }

  /** The execution provider running the model. */
  get provider(): ProviderName {
    return this.session.provider;
  }
  /** The provider and why preferred ones were not used. */
  get device(): { provider: ProviderName; fallbackReasons: string[] } {
    return this.session.device;
  }
  get dimension(): number {
    return this.folder.config.hidden_size as number;
  }

  /** Token ids as the model sees them (lower-cased first if the folder says so, truncated to max_seq_length). */
  tokenize(text: string): number[] {
    return this.tokenizer.encode(this.folder.doLowerCase ? text.toLowerCase() : text, { maxLength: this.folder.maxSeqLength });
  }

  /** One embedding per text, in input order. Texts are batched by length so padding stays small. */
  async embed(texts: string[], opts: { batchSize?: number } = {}): Promise<Float32Array[]> {
    const batchSize = Math.max(1, opts.batchSize ?? 32);
    const ids = texts.map((t) => this.tokenize(t));
    const order = ids.map((_, i) => i).sort((a, b) => ids[b].length - ids[a].length);
    const out = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const chunk = order.slice(start, start + batchSize);
      const vectors = await this.embedIds(chunk.map((i) => ids[i]));
      chunk.forEach((i, k) => (out[i] = vectors[k]));
    }
    return out;
  }

  /** Queries (questions) with the query prefix put before each. */
  embedQueries(texts: readonly string[], opts: { batchSize?: number } = {}): Promise<Float32Array[]> {
    return this.embed(withPrefix(this.prefixes.query, texts), opts);
  }

  /** Passages (documents) with the passage prefix put before each. */
  embedPassages(texts: readonly string[], opts: { batchSize?: number } = {}): Promise<Float32Array[]> {
    return this.embed(withPrefix(this.prefixes.passage, texts), opts);
  }

  /** last_hidden_state for texts padded together into one batch (tests and diagnostics). */
  async hiddenStates(texts: string[]): Promise<HiddenStates> {
    const { feeds, mask, dims } = this.feeds(texts.map((t) => this.tokenize(t)));
    const r = await this.session.run(feeds, ['last_hidden_state']);
    return { data: r.last_hidden_state.data, dims: [dims[0], dims[1], this.dimension], attentionMask: mask };
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private async embedIds(batch: number[][]): Promise<Float32Array[]> {
    const { feeds, dims } = this.feeds(batch);
    const h = this.dimension;
    if (this.graph === 'built') {
      const r = await this.session.run(feeds, ['sentence_embedding']);
      const data = r.sentence_embedding.data; // [batch, h]
      return batch.map((_, b) => data.slice(b * h, (b + 1) * h));
    }
    const r = await this.session.run(feeds, [this.session.outputNames[0]]);
    return poolHiddenStates(r[this.session.outputNames[0]].data, feeds.attention_mask.data as BigInt64Array, [dims[0], dims[1], h], this.folder.pooling, this.folder.normalize);
  }

  /** Right-padded int64 inputs for the session ([batch, seq]); zero token types when the graph wants them. */
  private feeds(batch: number[][]): { feeds: Record<string, TensorIn>; mask: number[][]; dims: [number, number] } {
    const seq = batch.reduce((m, ids) => Math.max(m, ids.length), 0);
    const dims: [number, number] = [batch.length, seq];
    const inputIds = new BigInt64Array(batch.length * seq).fill(BigInt(this.tokenizer.padId));
    const attention = new BigInt64Array(batch.length * seq);
    const mask = batch.map((ids, b) => {
      ids.forEach((id, t) => {
        inputIds[b * seq + t] = BigInt(id);
        attention[b * seq + t] = 1n;
      });
      return Array.from({ length: seq }, (_, t) => (t < ids.length ? 1 : 0));
    });
    const feeds: Record<string, TensorIn> = {
      input_ids: { type: 'int64', data: inputIds, dims },
      attention_mask: { type: 'int64', data: attention, dims },
    };
    if (this.session.inputNames.includes('token_type_ids')) feeds.token_type_ids = { type: 'int64', data: new BigInt64Array(batch.length * seq), dims };
    return { feeds, mask, dims };
  }
}
