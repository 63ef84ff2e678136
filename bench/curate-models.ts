// The model-dependent curation signals, reported apart from the lexical ones (their speed is the
// model's): round-trip consistency (embed each query with the base encoder, search the corpus,
// find the own passage's rank) and cross-encoder relevance (score each query–passage pair).
// Both on MiniLM-L6-sized random-weight BERTs built here, 2 onnxruntime threads.
import { copyFileSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrossEncoder } from '../src-main/core/curation/cross-encoder.js';
import { roundtripRanks } from '../src-main/core/curation/roundtrip.js';
import { ExactIndex } from '../src-main/core/index/exact.js';
import { Embedder } from '../src-main/core/models/embedder.js';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../src-main/core/models/safetensors.js';
import { makeVocab, writeModelFolder } from './embed.js';

const PASSAGES = 256;
const QUERIES = 768; // 3 per passage, as GenQ writes them

export interface ModelSignalTimes {
  corpusPassagesPerS: number;
  roundtripQueriesPerS: number;
  crossEncoderPairsPerS: number;
}

/** A BertForSequenceClassification (one label) folder from the encoder folder's weights. */
export function writeCrossEncoderFolder(encoderDir: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(encoderDir, f), join(dir, f));
  const config = JSON.parse(readFileSync(join(encoderDir, 'config.json'), 'utf8'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, architectures: ['BertForSequenceClassification'], id2label: { 0: 'LABEL_0' }, label2id: { LABEL_0: 0 } }));
  const st = readSafetensors(join(encoderDir, 'model.safetensors'));
  const h = config.hidden_size as number;
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, info] of st.tensors) tensors[`bert.${name}`] = { shape: info.shape, data: st.float32(name) };
  const small = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.03);
  tensors['bert.pooler.dense.weight'] = { shape: [h, h], data: small(h * h) };
  tensors['bert.pooler.dense.bias'] = { shape: [h], data: new Float32Array(h) };
  tensors['classifier.weight'] = { shape: [1, h], data: small(h) };
  tensors['classifier.bias'] = { shape: [1], data: new Float32Array(1) };
  writeSafetensors(join(dir, 'model.safetensors'), tensors);
}

function text(seed: number, words: number, vocab: string[]): string {
  const out: string[] = [];
  let s = seed >>> 0;
  for (let i = 0; i < words; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(vocab[2000 + (s % 20000)]);
  }
  return out.join(' ');
}

export async function timeModelSignals(root: string): Promise<ModelSignalTimes> {
  const vocab = makeVocab();
  const encoderDir = join(root, 'encoder');
  const crossDir = join(root, 'cross-encoder');
  writeModelFolder(encoderDir, vocab);
  writeCrossEncoderFolder(encoderDir, crossDir);
  const passages = Array.from({ length: PASSAGES }, (_, i) => text(i + 1, 90, vocab)); // ~128 tokens each
  const queries = Array.from({ length: QUERIES }, (_, i) => ({ passageId: Math.floor(i / 3), text: text(10_000 + i, 8, vocab) }));

  const embedder = await Embedder.load(encoderDir, { cacheDir: join(root, 'cache'), threads: 2 });
  await embedder.embed(passages.slice(0, 32)); // warm-up
  let t = performance.now();
  const vectors = await embedder.embed(passages);
  const corpusSeconds = (performance.now() - t) / 1000;
  const flat = new Float32Array(PASSAGES * embedder.dimension); // [passages, dim]
  vectors.forEach((v, i) => flat.set(v, i * embedder.dimension));
  const exact = new ExactIndex(embedder.dimension, passages.map((_, i) => i), flat);
  t = performance.now();
  await roundtripRanks(embedder, { kind: 'exact', search: (v, k) => exact.search(v, k) }, queries, 100);
  const roundtripSeconds = (performance.now() - t) / 1000;
  await embedder.release();

  const cross = await CrossEncoder.load(crossDir, { threads: 2 });
  const pairs = queries.map((q) => [q.text, passages[q.passageId]] as const);
  await cross.predict(pairs.slice(0, 32)); // warm-up
  t = performance.now();
  await cross.predict(pairs);
  const crossSeconds = (performance.now() - t) / 1000;
  await cross.release();

  return {
    corpusPassagesPerS: PASSAGES / corpusSeconds,
    roundtripQueriesPerS: QUERIES / roundtripSeconds,
    crossEncoderPairsPerS: QUERIES / crossSeconds,
  };
}
