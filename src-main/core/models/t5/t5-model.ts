// A T5 checkpoint on onnxruntime: encoder, cross-attention K/V (once per passage), the cached
// decoder step and the full (no-cache) decoder. Works on token ids; the decoding loop
// (core/generation/decode-loop.ts) drives it through the Seq2SeqModel interface.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DecoderContext, Past, Seq2SeqModel } from '../../generation/decode-loop.js';
import { loadModelFolder, ModelFolderError, type ModelFolder, type Weights } from '../folder.js';
import { defaultCacheDir } from '../graph-cache.js';
import { OnnxSession, type ProviderChoice, type ProviderName, type SessionOptions, type TensorIn, type TensorOut } from '../session.js';
import { TextTokenizer } from '../tokenizer.js';
import { parseT5Config, type T5Config } from './config.js';
import { pastKeyName, pastValueName, presentKeyName, presentValueName } from './decoder-graphs.js';
import { buildT5Graphs, t5GraphPaths, type T5GraphKind } from './graph-cache.js';

export interface T5LoadOptions {
  cacheDir?: string;
  threads?: number;
  provider?: ProviderChoice;
  /** Encoder and teacher-forced decoder from the folder's onnx/encoder_model.onnx + onnx/decoder_model.onnx. */
  useShippedOnnx?: boolean;
}

/** Right-padded int64 ids and mask, [rows, len]. */
export interface PaddedIds {
  ids: BigInt64Array;
  mask: BigInt64Array;
  rows: number;
  len: number;
}

export function padIds(batch: number[][], padId: number): PaddedIds {
  const len = batch.reduce((m, ids) => Math.max(m, ids.length), 0);
  const ids = new BigInt64Array(batch.length * len).fill(BigInt(padId));
  const mask = new BigInt64Array(batch.length * len);
  batch.forEach((row, b) => row.forEach((id, t) => ((ids[b * len + t] = BigInt(id)), (mask[b * len + t] = 1n))));
  return { ids, mask, rows: batch.length, len };
}

export class T5Model implements Seq2SeqModel {
  private fullSession?: OnnxSession;
  private readonly emptyPast = new Float32Array(0);

  private constructor(
    readonly config: T5Config,
    private readonly encoder: OnnxSession,
    private readonly crossKv: OnnxSession,
    private readonly stepSession: OnnxSession,
    private readonly fullGraph: string | Uint8Array,
    private readonly sessionOpts: SessionOptions,
    /** 'built' or 'shipped' (the folder's onnx/ exports run the encoder and the full decoder). */
    readonly graphs: 'built' | 'shipped',
  ) {}

  /** A model folder (config.json + safetensors), graphs built once into the cache. */
  static async load(dir: string, opts: T5LoadOptions = {}): Promise<{ model: T5Model; tokenizer: TextTokenizer; folder: ModelFolder }> {
    const folder = loadModelFolder(dir);
    if (folder.architecture !== 't5') {
      throw new ModelFolderError(`${join(folder.transformerDir, 'config.json')}: model_type "${folder.config.model_type}" is not a T5 query generator`);
    }
    const tokenizer = TextTokenizer.fromFolder(folder.transformerDir);
    const config = parseT5Config(folder.config, join(folder.transformerDir, 'config.json'));
    if (tokenizer.vocabSize > config.vocab) {
      throw new ModelFolderError(`${tokenizer.source}: the tokenizer has ${tokenizer.vocabSize} token ids but config.json vocab_size is ${config.vocab}`);
    }
    const paths: Record<T5GraphKind, string> = await t5GraphPaths(folder, opts.cacheDir ?? defaultCacheDir());
    let shipped = false;
    if (opts.useShippedOnnx) {
      const enc = join(folder.transformerDir, 'onnx', 'encoder_model.onnx');
      const dec = join(folder.transformerDir, 'onnx', 'decoder_model.onnx');
      if (!existsSync(enc) || !existsSync(dec)) throw new ModelFolderError(`${join(folder.transformerDir, 'onnx')}: encoder_model.onnx and decoder_model.onnx are needed for --shipped-onnx`);
      paths.encoder = enc;
      paths.full = dec;
      shipped = true;
    }
    const model = await T5Model.create(config, paths, opts, shipped ? 'shipped' : 'built');
    return { model, tokenizer, folder };
  }

  /** From config.json contents and in-memory weights (tests, benchmarks); graphs are not cached. */
  static async fromWeights(configJson: Record<string, any>, weights: Weights, opts: T5LoadOptions = {}): Promise<T5Model> {
    const config = parseT5Config(configJson);
    return T5Model.create(config, buildT5Graphs(config, weights), opts, 'built');
  }

  private static async create(config: T5Config, graphs: Record<T5GraphKind, string | Uint8Array>, opts: T5LoadOptions, kind: 'built' | 'shipped'): Promise<T5Model> {
    // No spinning: between decoder steps the cores sample tokens (sampling-pool.ts), and onnxruntime's
    // spinning threads would compete with that (measured: ~0.2 s of ~1.9 s per t5-small batch).
    const sessionOpts = { threads: opts.threads, provider: opts.provider, spinning: false };
    const [encoder, crossKv, step] = await Promise.all([graphs.encoder, graphs.crossKv, graphs.step].map((g) => OnnxSession.create(g, sessionOpts)));
    return new T5Model(config, encoder, crossKv, step, graphs.full, sessionOpts, kind);
  }

  get provider(): ProviderName {
    return this.stepSession.provider;
  }
  /** The provider and why preferred ones were not used. */
  get device(): { provider: ProviderName; fallbackReasons: string[] } {
    return this.stepSession.device;
  }
  get decoderStartId(): number {
    return this.config.decoderStartId;
  }
  get eosId(): number {
    return this.config.eosId;
  }
  get padId(): number {
    return this.config.padId;
  }
  get vocab(): number {
    return this.config.vocab;
  }

  /** last_hidden_state [rows, len, d_model] for right-padded ids. */
  async encode(batch: PaddedIds): Promise<TensorOut> {
    const dims = [batch.rows, batch.len];
    const r = await this.encoder.run({ input_ids: { type: 'int64', data: batch.ids, dims }, attention_mask: { type: 'int64', data: batch.mask, dims } }, ['last_hidden_state']);
    return r.last_hidden_state;
  }

  /**
   * Encodes once and computes the cross-attention K/V once per passage. The `repeat` sequences of a
   * passage (num_return_sequences, beams) are rows passage-major and share that passage's K/V and
   * mask: the step graph groups them (feeds [passages, …], rows = passages × repeat), so nothing
   * passage-side is copied or recomputed per sequence.
   */
  async prepare(inputIds: number[][], repeat = 1): Promise<DecoderContext> {
    const batch = padIds(inputIds, this.padId);
    const hidden = await this.encode(batch); // [passages, len, d]
    const names = this.crossKv.outputNames as string[];
    const cross = await this.crossKv.run({ encoder_hidden_states: { type: 'float32', data: hidden.data, dims: hidden.dims } }, names); // each [passages, heads, len, d_kv]
    const feeds: Record<string, TensorIn> = { encoder_attention_mask: { type: 'int64', data: batch.mask, dims: [batch.rows, batch.len] } };
    for (const name of names) feeds[name] = { type: 'float32', data: cross[name].data, dims: cross[name].dims };
    return { rows: batch.rows * repeat, feeds };
  }

  /** The cache before the first step: every layer's K/V with 0 past positions. */
  initialPast(rows: number): Past {
    const { heads, dKv, decoderLayers } = this.config;
    const past: Past = {};
    for (let i = 0; i < decoderLayers; i++) {
      past[pastKeyName(i)] = { type: 'float32', data: this.emptyPast, dims: [rows, heads, 0, dKv] };
      past[pastValueName(i)] = { type: 'float32', data: this.emptyPast, dims: [rows, heads, 0, dKv] };
    }
    return past;
  }

  /** One cached step: tokens [rows] (the previous token of each row) → logits [rows, vocab] and the grown cache. */
  async step(ctx: DecoderContext, tokens: BigInt64Array, past: Past): Promise<{ logits: Float32Array; past: Past }> {
    const layers = this.config.decoderLayers;
    const fetch = ['logits'];
    for (let i = 0; i < layers; i++) fetch.push(presentKeyName(i), presentValueName(i));
    const r = await this.stepSession.run({ ...ctx.feeds, ...past, decoder_input_ids: { type: 'int64', data: tokens, dims: [ctx.rows, 1] } }, fetch);
    // The present K/V become the next step's past as they are: no copy on the JS side.
    const next: Past = {};
    for (let i = 0; i < layers; i++) {
      next[pastKeyName(i)] = { type: 'float32', data: r[presentKeyName(i)].data, dims: r[presentKeyName(i)].dims };
      next[pastValueName(i)] = { type: 'float32', data: r[presentValueName(i)].data, dims: r[presentValueName(i)].dims };
    }
    return { logits: r.logits.data, past: next };
  }

  /**
   * The context of rows `rows` (indices into the current rows). Whole groups in order (beam search
   * dropping finished passages) stay grouped; anything else gets one K/V row per row.
   */
  gatherContext(ctx: DecoderContext, rows: Int32Array): DecoderContext {
    const groups = ctx.feeds.encoder_attention_mask.dims[0];
    const repeat = ctx.rows / groups; // rows per group
    const byGroup = wholeGroups(rows, repeat);
    const source = byGroup ?? Int32Array.from(rows, (r) => Math.floor(r / repeat)); // K/V row of each kept group / row
    const feeds: Record<string, TensorIn> = {};
    for (const [name, t] of Object.entries(ctx.feeds)) feeds[name] = gatherRows(t, source);
    return { rows: rows.length, feeds };
  }

  /** The KV cache of rows `rows` (repeats allowed: beam search copies a beam's cache). */
  gatherPast(past: Past, rows: Int32Array): Past {
    const next: Past = {};
    for (const [name, t] of Object.entries(past)) next[name] = gatherRows(t, rows);
    return next;
  }

  /** Teacher-forced logits [rows, dec, vocab] with the whole prefix recomputed (no cache). */
  async fullLogits(inputIds: number[][], decoderIds: number[][]): Promise<TensorOut> {
    const batch = padIds(inputIds, this.padId);
    return this.fullDecoderLogits(await this.encode(batch), batch, decoderIds);
  }

  /** The full (no-cache) decoder on given encoder states: decoder ids [rows, dec] → logits [rows, dec, vocab]. */
  async fullDecoderLogits(hidden: TensorOut, batch: PaddedIds, decoderIds: number[][]): Promise<TensorOut> {
    const dec = padIds(decoderIds, this.padId);
    if (dec.mask.some((m) => m === 0n)) throw new RangeError('fullDecoderLogits: every decoder sequence must have the same length');
    this.fullSession ??= await OnnxSession.create(this.fullGraph, this.sessionOpts);
    const idsName = this.fullSession.inputNames.includes('decoder_input_ids') ? 'decoder_input_ids' : 'input_ids'; // the shipped export calls it input_ids
    const r = await this.fullSession.run(
      {
        [idsName]: { type: 'int64', data: dec.ids, dims: [dec.rows, dec.len] },
        encoder_attention_mask: { type: 'int64', data: batch.mask, dims: [batch.rows, batch.len] },
        encoder_hidden_states: { type: 'float32', data: hidden.data, dims: hidden.dims },
      },
      ['logits'],
    );
    return r.logits;
  }

  async release(): Promise<void> {
    await Promise.all([this.encoder, this.crossKv, this.stepSession, this.fullSession].map((s) => s?.release()));
  }
}

/** Rows `rows` of a tensor [batch, ...] → [rows.length, ...]; the same data when `rows` is the identity. */
export function gatherRows(t: TensorIn, rows: Int32Array): TensorIn {
  const batch = t.dims[0];
  if (rows.length === batch && rows.every((r, i) => r === i)) return t;
  const size = batch === 0 ? 0 : t.data.length / batch;
  const out = new (t.data.constructor as new (n: number) => typeof t.data)(rows.length * size);
  for (let i = 0; i < rows.length; i++) (out as Float32Array).set((t.data as Float32Array).subarray(rows[i] * size, (rows[i] + 1) * size), i * size);
  return { type: t.type, data: out, dims: [rows.length, ...t.dims.slice(1)] };
}

/** The groups `rows` consists of, when it is whole groups of `repeat` consecutive rows, each in order; else undefined. */
function wholeGroups(rows: Int32Array, repeat: number): Int32Array | undefined {
  if (repeat === 1) return rows;
  if (rows.length % repeat !== 0) return undefined;
  const groups = new Int32Array(rows.length / repeat);
  for (let j = 0; j < groups.length; j++) {
    const first = rows[j * repeat];
    if (first % repeat !== 0) return undefined;
    for (let k = 1; k < repeat; k++) if (rows[j * repeat + k] !== first + k) return undefined;
    groups[j] = first / repeat;
  }
  return groups;
}

