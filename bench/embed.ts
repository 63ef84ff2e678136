// npm run bench -- embed
// A MiniLM-L6-sized BERT (hidden 384, 6 layers, 12 heads, FFN 1536, vocab 30522, random weights
// made here) embeds a batch of 32 texts × 128 tokens. Sentences/s, interleaved in one run:
//   ours   — Embedder.embed (what `genq embed` runs: tokenize, sort, our graph with fused pooling)
//   bare   — an onnxruntime-node session on the same graph file with pre-tokenized inputs
//   tjs    — @huggingface/transformers' feature-extraction pipeline on the same ONNX file
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { env, pipeline } from '@huggingface/transformers';
import { Embedder } from '../src-main/core/models/embedder.js';
import { writeSafetensors, type TensorToWrite } from '../src-main/core/models/safetensors.js';

const H = 384, LAYERS = 6, HEADS = 12, FFN = 1536, VOCAB = 30522, MAX_POS = 512;
const BATCH = 32, SEQ = 128, REPS = 6;

/** Deterministic uniform(-a, a) (mulberry32). */
function random(seed: number) {
  let s = seed >>> 0;
  return (a: number) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * a;
  };
}

/** BERT-style vocabulary: specials at BERT's ids, [unusedN], letters, then syllable words. */
export function makeVocab(): string[] {
  const vocab = ['[PAD]', ...Array.from({ length: 99 }, (_, i) => `[unused${i}]`), '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
  vocab.push(...letters, ...letters.map((l) => `##${l}`));
  const syllables = 'bcdfghjklmnprstvwxz'.split('').flatMap((c) => 'aeiou'.split('').map((v) => c + v));
  for (const a of syllables) vocab.push(a);
  outer: for (const a of syllables) for (const b of syllables) for (const c of ['', ...syllables]) {
    if (vocab.length >= VOCAB) break outer;
    vocab.push(a + b + c);
  }
  return vocab.slice(0, VOCAB);
}

function tokenizerJson(vocab: string[]) {
  const special = (content: string) => ({ id: vocab.indexOf(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tok = (id: string) => ({ id, ids: [vocab.indexOf(id)], tokens: [id] });
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: { '[CLS]': tok('[CLS]'), '[SEP]': tok('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  };
}

/** Random MiniLM-L6-sized BERT weights with Hugging Face names. */
function randomWeights(): Record<string, TensorToWrite> {
  const rnd = random(42);
  const t = (shape: number[], fill?: number): TensorToWrite => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = fill ?? rnd(0.035);
    return { shape, data };
  };
  const w: Record<string, TensorToWrite> = {
    'embeddings.word_embeddings.weight': t([VOCAB, H]),
    'embeddings.position_embeddings.weight': t([MAX_POS, H]),
    'embeddings.token_type_embeddings.weight': t([2, H]),
    'embeddings.LayerNorm.weight': t([H], 1),
    'embeddings.LayerNorm.bias': t([H], 0),
  };
  for (let l = 0; l < LAYERS; l++) {
    const p = `encoder.layer.${l}`;
    for (const n of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) {
      w[`${p}.${n}.weight`] = t([H, H]);
      w[`${p}.${n}.bias`] = t([H]);
    }
    w[`${p}.intermediate.dense.weight`] = t([FFN, H]);
    w[`${p}.intermediate.dense.bias`] = t([FFN]);
    w[`${p}.output.dense.weight`] = t([H, FFN]);
    w[`${p}.output.dense.bias`] = t([H]);
    for (const n of ['attention.output.LayerNorm', 'output.LayerNorm']) {
      w[`${p}.${n}.weight`] = t([H], 1);
      w[`${p}.${n}.bias`] = t([H], 0);
    }
  }
  return w;
}

export function writeModelFolder(dir: string, vocab: string[]): void {
  mkdirSync(join(dir, '1_Pooling'), { recursive: true });
  const config = {
    architectures: ['BertModel'], model_type: 'bert', hidden_size: H, num_hidden_layers: LAYERS, num_attention_heads: HEADS,
    intermediate_size: FFN, hidden_act: 'gelu', vocab_size: VOCAB, max_position_embeddings: MAX_POS, type_vocab_size: 2,
    layer_norm_eps: 1e-12, pad_token_id: 0,
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: SEQ, do_lower_case: true, pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]', mask_token: '[MASK]', tokenizer_class: 'BertTokenizer' }));
  writeFileSync(join(dir, 'modules.json'), JSON.stringify([
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
  ]));
  writeFileSync(join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: SEQ, do_lower_case: false }));
  writeFileSync(join(dir, '1_Pooling', 'config.json'), JSON.stringify({ word_embedding_dimension: H, pooling_mode_mean_tokens: true }));
  writeSafetensors(join(dir, 'model.safetensors'), randomWeights());
}

/** Seconds of one call, median over REPS after a warm-up. Systems interleave so machine load hits all alike. */
async function timeAll(systems: Record<string, () => Promise<unknown>>): Promise<Record<string, number>> {
  for (const f of Object.values(systems)) await f();
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(systems).map((k) => [k, []]));
  for (let r = 0; r < REPS; r++) {
    for (const [name, f] of Object.entries(systems)) {
      const t0 = performance.now();
      await f();
      times[name].push((performance.now() - t0) / 1000);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.sort((a, b) => a - b)[Math.floor(v.length / 2)]]));
}

export async function run(): Promise<void> {
  const threads = availableParallelism();
  const root = mkdtempSync(join(tmpdir(), 'genq-bench-embed-'));
  try {
    const vocab = makeVocab();
    const modelDir = join(root, 'minilm-random');
    writeModelFolder(modelDir, vocab);
    const rnd = random(7);
    const words = vocab.slice(200);
    const texts = Array.from({ length: BATCH }, () => Array.from({ length: 160 }, () => words[Math.floor((rnd(1) + 1) / 2 * words.length)]).join(' '));

    const t0 = performance.now();
    const embedder = await Embedder.load(modelDir, { cacheDir: join(root, 'cache'), threads });
    console.error(`graph built in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${embedder.provider}, ${threads} threads`);
    const ids = texts.map((t) => embedder.tokenize(t));
    if (ids.some((r) => r.length !== SEQ)) throw new Error(`bench texts must fill ${SEQ} tokens`);

    const bare = await ort.InferenceSession.create(embedder.graphPath, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' });
    const inputIds = new ort.Tensor('int64', BigInt64Array.from(ids.flat(), (v) => BigInt(v)), [BATCH, SEQ]);
    const mask = new ort.Tensor('int64', new BigInt64Array(BATCH * SEQ).fill(1n), [BATCH, SEQ]);

    // transformers.js layout: config + tokenizer at the top, the same graph as onnx/model.onnx.
    const tjsDir = join(root, 'tjs', 'minilm-random');
    mkdirSync(join(tjsDir, 'onnx'), { recursive: true });
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(modelDir, f), join(tjsDir, f));
    copyFileSync(embedder.graphPath, join(tjsDir, 'onnx', 'model.onnx'));
    env.allowRemoteModels = false;
    env.localModelPath = join(root, 'tjs');
    const extractor = await pipeline('feature-extraction', 'minilm-random', {
      dtype: 'fp32', device: 'cpu', session_options: { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
    });

    // Same numbers as transformers.js on texts short enough that truncation plays no part (its
    // truncation cuts the final [SEP] off, Python's keeps it; ours follows Python).
    const short = texts.map((t) => t.split(' ').slice(0, 60).join(' '));
    const ours = await embedder.embed(short, { batchSize: BATCH });
    const theirs = (await extractor(short, { pooling: 'mean', normalize: false })).tolist() as number[][];
    let diff = 0;
    ours.forEach((v, i) => v.forEach((x, j) => (diff = Math.max(diff, Math.abs(x - theirs[i][j])))));
    console.error(`max |ours − transformers.js| on untruncated texts = ${diff.toExponential(2)}`);

    const secs = await timeAll({
      ours: () => embedder.embed(texts, { batchSize: BATCH }),
      bare: () => bare.run({ input_ids: inputIds, attention_mask: mask }, ['sentence_embedding']),
      tjs: () => extractor(texts, { pooling: 'mean', normalize: false }),
    });
    const rate = (k: string) => BATCH / secs[k];
    const line = (peer: string, key: string) =>
      console.log(JSON.stringify({ bench: 'embed', metric: 'sentences_per_s', ours: round(rate('ours')), peer, peer_value: round(rate(key)), ratio: round(rate('ours') / rate(key)) }));
    await embedder.release();
    await bare.release();
    await extractor.dispose();
    line(`bare onnxruntime-node 1.30 session, same graph, pre-tokenized (${threads} threads)`, 'bare');
    line(`@huggingface/transformers 4.3.2 feature-extraction, same ONNX file (${threads} threads)`, 'tjs');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
