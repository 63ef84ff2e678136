// Relevance scores from a sentence-transformers CrossEncoder folder (BertForSequenceClassification
// with one label): [CLS] query [SEP] passage [SEP] with token types 0/1 → BERT → pooler (tanh
// dense on [CLS]) → classifier → sigmoid, which is what CrossEncoder.predict returns for one
// label. The BERT body is the shared encoder graph (models/onnx/encoder.ts); only the head is here.
import { join } from 'node:path';
import { loadModelFolder, loadWeights, ModelFolderError, type ModelFolder } from '../models/folder.js';
import { buildEncoderGraph } from '../models/onnx/encoder.js';
import type { OnnxGraph } from '../models/onnx/graph.js';
import { bias, tWeight, type Weights } from '../models/onnx/layers.js';
import { OnnxSession, type ProviderChoice, type TensorIn } from '../models/session.js';
import { TextTokenizer } from '../models/tokenizer.js';

export class CrossEncoderError extends Error {
  override name = 'CrossEncoderError';
}

/** Pooler + classifier on last_hidden_state → output `logits` [batch, labels]. */
function classifierHead(weights: Weights, h: number, labels: number, source: string) {
  return (g: OnnxGraph, hidden: string): void => {
    const cls = g.op('Gather', [hidden, g.int64s([0], [])], { axis: 1 }); // [batch, h]
    const pooled = g.op('Tanh', [g.op('Add', [g.op('MatMul', [cls, tWeight(g, weights, 'pooler.dense', h, h, source)]), bias(g, weights, 'pooler.dense', h, source)])]); // [batch, h]
    const logits = g.op('Add', [g.op('MatMul', [pooled, tWeight(g, weights, 'classifier', labels, h, source)]), bias(g, weights, 'classifier', labels, source)], {}, { name: 'logits' }); // [batch, labels]
    g.output(logits, 'float32', ['batch', labels]);
  };
}

export class CrossEncoder {
  private constructor(
    readonly folder: ModelFolder,
    readonly tokenizer: TextTokenizer,
    private readonly session: OnnxSession,
    readonly maxLength: number,
  ) {}

  static async load(dir: string, opts: { threads?: number; provider?: ProviderChoice } = {}): Promise<CrossEncoder> {
    const folder = loadModelFolder(dir);
    const configPath = join(folder.transformerDir, 'config.json');
    const architectures = (folder.config.architectures ?? []) as string[];
    if (folder.architecture !== 'bert' || !architectures.includes('BertForSequenceClassification')) {
      throw new CrossEncoderError(`${configPath}: a cross-encoder must be BertForSequenceClassification (found ${folder.config.model_type} ${JSON.stringify(architectures)})`);
    }
    const labels = Object.keys(folder.config.id2label ?? { 0: 'LABEL_0' }).length;
    if (labels !== 1) throw new CrossEncoderError(`${configPath}: ${labels} labels; only single-score cross-encoders (num_labels 1) give a relevance score`);
    const source = folder.weightFiles.join(', ');
    const weights = loadWeights(folder);
    const h: number = folder.config.hidden_size;
    const bytes = buildEncoderGraph({ architecture: 'bert', config: folder.config }, weights, { tokenTypes: true, source, head: classifierHead(weights, h, labels, source) });
    const tokenizer = TextTokenizer.fromFolder(folder.transformerDir);
    if (tokenizer.vocabSize > folder.config.vocab_size) {
      throw new ModelFolderError(`${tokenizer.source}: the tokenizer has ${tokenizer.vocabSize} ids but config.json vocab_size is ${folder.config.vocab_size}`);
    }
    const session = await OnnxSession.create(bytes, opts);
    // CrossEncoder truncates pairs to the tokenizer's model_max_length (capped by the position table).
    const maxLength = Math.min(tokenizer.modelMaxLength ?? 512, folder.config.max_position_embeddings ?? 512);
    return new CrossEncoder(folder, tokenizer, session, maxLength);
  }

  /** The execution provider running the model (a `genq worker` reports it per shard). */
  get provider(): string {
    return this.session.provider;
  }

  /** The provider and why preferred ones were not used (reported by the signals and mining jobs). */
  get device(): { provider: string; fallbackReasons: string[] } {
    return this.session.device;
  }

  /** Raw logits, one per (query, passage) pair. */
  async logits(pairs: ReadonlyArray<readonly [string, string]>, opts: { batchSize?: number } = {}): Promise<Float32Array> {
    const batchSize = Math.max(1, opts.batchSize ?? 32);
    const encoded = pairs.map(([q, p]) => this.tokenizer.encodePair(q, p, { maxLength: this.maxLength }));
    // Length-sorted batches keep padding small; results go back to input order.
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[b].ids.length - encoded[a].ids.length);
    const out = new Float32Array(pairs.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const chunk = order.slice(start, start + batchSize);
      const scores = await this.run(chunk.map((i) => encoded[i]));
      chunk.forEach((i, k) => (out[i] = scores[k]));
    }
    return out;
  }

  /** CrossEncoder.predict for a one-label model: sigmoid of the logits, in [0, 1]. */
  async predict(pairs: ReadonlyArray<readonly [string, string]>, opts: { batchSize?: number } = {}): Promise<Float32Array> {
    const logits = await this.logits(pairs, opts);
    return logits.map((x) => 1 / (1 + Math.exp(-x)));
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private async run(batch: Array<{ ids: number[]; typeIds: number[] }>): Promise<Float32Array> {
    const seq = batch.reduce((m, e) => Math.max(m, e.ids.length), 0);
    const dims = [batch.length, seq];
    const ids = new BigInt64Array(batch.length * seq).fill(BigInt(this.tokenizer.padId)); // [batch, seq]
    const mask = new BigInt64Array(batch.length * seq);
    const types = new BigInt64Array(batch.length * seq);
    batch.forEach((e, b) =>
      e.ids.forEach((id, t) => {
        ids[b * seq + t] = BigInt(id);
        mask[b * seq + t] = 1n;
        types[b * seq + t] = BigInt(e.typeIds[t]);
      }),
    );
    const feeds: Record<string, TensorIn> = {
      input_ids: { type: 'int64', data: ids, dims },
      attention_mask: { type: 'int64', data: mask, dims },
      token_type_ids: { type: 'int64', data: types, dims },
    };
    const r = await this.session.run(feeds, ['logits']);
    return r.logits.data; // [batch, 1]
  }
}
