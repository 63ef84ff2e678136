import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Embedder } from '../../../../src-main/core/models/embedder.js';
import { loadModelFolder, loadWeights, normaliseWeightName } from '../../../../src-main/core/models/folder.js';
import { serializeSafetensors } from '../../../../src-main/core/models/safetensors.js';
import { copyFixture, FIXTURES, tempDir } from './fixtures.js';

const tmp = tempDir('folder');
afterAll(() => tmp.remove());
let n = 0;
/** A fresh writable copy of a fixture. */
function copy(name: string): string {
  const parent = join(tmp.path, String(n++));
  mkdirSync(parent);
  return copyFixture(name, parent);
}
const editJson = (path: string, edit: (j: any) => any) => writeFileSync(path, JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8')))));

describe('loadModelFolder', () => {
  it('reads a sentence-transformers BERT folder', () => {
    const f = loadModelFolder(join(FIXTURES, 'tiny-bert'));
    expect(f).toMatchObject({ architecture: 'bert', pooling: 'mean', normalize: false, maxSeqLength: 128, doLowerCase: false, isSentenceTransformers: true });
    expect(f.weightFiles).toEqual([join(FIXTURES, 'tiny-bert', 'model.safetensors')]);
    expect(f.shippedOnnx).toBe(join(FIXTURES, 'tiny-bert', 'onnx', 'model.onnx'));
  });

  it('reads max/mean_sqrt_len pooling and do_lower_case', () => {
    const dir = copy('tiny-bert');
    editJson(join(dir, '1_Pooling', 'config.json'), (j) => ({ ...j, pooling_mode_mean_tokens: false, pooling_mode_max_tokens: true }));
    editJson(join(dir, 'sentence_bert_config.json'), (j) => ({ ...j, do_lower_case: true, max_seq_length: 32 }));
    expect(loadModelFolder(dir)).toMatchObject({ pooling: 'max', doLowerCase: true, maxSeqLength: 32 });
    editJson(join(dir, '1_Pooling', 'config.json'), (j) => ({ ...j, pooling_mode_max_tokens: false, pooling_mode_mean_sqrt_len_tokens: true }));
    expect(loadModelFolder(dir).pooling).toBe('mean_sqrt_len');
  });

  it('follows sharded weights through model.safetensors.index.json', () => {
    const dir = copy('tiny-bert');
    const st = readFileSync(join(dir, 'model.safetensors'));
    rmSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'model-00001-of-00001.safetensors'), st);
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'embeddings.word_embeddings.weight': 'model-00001-of-00001.safetensors' } }));
    expect(loadModelFolder(dir).weightFiles).toEqual([join(dir, 'model-00001-of-00001.safetensors')]);
    expect(loadWeights(loadModelFolder(dir)).size).toBe(37);
  });

  it('strips task prefixes and drops heads; keeps the pooler only for cross-encoders', () => {
    const bi = { architecture: 'bert' as const, config: { architectures: ['BertModel'] } };
    const ce = { architecture: 'bert' as const, config: { architectures: ['BertForSequenceClassification'] } };
    expect(normaliseWeightName('bert.encoder.layer.0.output.dense.weight', bi)).toBe('encoder.layer.0.output.dense.weight');
    expect(normaliseWeightName('roberta.embeddings.LayerNorm.gamma', bi)).toBe('embeddings.LayerNorm.weight');
    expect(normaliseWeightName('lm_head.dense.weight', bi)).toBeUndefined();
    expect(normaliseWeightName('cls.predictions.bias', bi)).toBeUndefined();
    expect(normaliseWeightName('bert.pooler.dense.weight', bi)).toBeUndefined();
    expect(normaliseWeightName('bert.embeddings.position_ids', bi)).toBeUndefined();
    expect(normaliseWeightName('bert.pooler.dense.weight', ce)).toBe('pooler.dense.weight');
    expect(normaliseWeightName('classifier.weight', ce)).toBe('classifier.weight');
    expect(normaliseWeightName('lm_head.weight', { architecture: 't5', config: {} })).toBe('lm_head.weight');
  });
});

describe('bad model folders give errors naming the file', () => {
  it('unsupported architecture', () => {
    const dir = copy('tiny-bert');
    editJson(join(dir, 'config.json'), (j) => ({ ...j, model_type: 'xlm-roberta', architectures: ['XLMRobertaModel'] }));
    expect(() => loadModelFolder(dir)).toThrow(new RegExp(`${dir}/config\\.json: unsupported architecture model_type="xlm-roberta"`));
  });

  it('missing folder, config.json, tokenizer.json, weights, pooling config', () => {
    expect(() => loadModelFolder(join(tmp.path, 'nope'))).toThrow(/nope: model folder does not exist/);
    for (const [file, pattern] of [
      ['config.json', /config\.json: file is missing/],
      ['tokenizer.json', /tokenizer\.json: file is missing/],
      ['model.safetensors', /model\.safetensors: file is missing/],
      ['1_Pooling/config.json', /1_Pooling\/config\.json: file is missing/],
    ] as const) {
      const dir = copy('tiny-mpnet');
      rmSync(join(dir, file));
      expect(() => loadModelFolder(dir), file).toThrow(pattern);
    }
  });

  it('a missing shard and an ambiguous pooling config', () => {
    const dir = copy('tiny-bert');
    rmSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: 'model-00001-of-00002.safetensors' } }));
    expect(() => loadModelFolder(dir)).toThrow(/model-00001-of-00002\.safetensors: weight shard named in .*index\.json is missing/);
    const dir2 = copy('tiny-bert');
    editJson(join(dir2, '1_Pooling', 'config.json'), (j) => ({ ...j, pooling_mode_cls_token: true }));
    expect(() => loadModelFolder(dir2)).toThrow(/1_Pooling\/config\.json: expected exactly one pooling mode, found cls \+ mean/);
  });

  it('a corrupt (truncated) safetensors file', async () => {
    const dir = copy('tiny-bert');
    const bytes = readFileSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'model.safetensors'), bytes.subarray(0, bytes.length - 1000));
    await expect(Embedder.load(dir, { cacheDir: join(tmp.path, 'cache') })).rejects.toThrow(/model\.safetensors: tensor ".*" lies outside the file/);
    writeFileSync(join(dir, 'model.safetensors'), serializeSafetensors({}).subarray(0, 4));
    await expect(Embedder.load(dir, { cacheDir: join(tmp.path, 'cache') })).rejects.toThrow(/model\.safetensors: file is too small/);
  });

  it('weights that do not fit the config', async () => {
    const dir = copy('tiny-bert');
    editJson(join(dir, 'config.json'), (j) => ({ ...j, hidden_size: 32, num_attention_heads: 4 }));
    await expect(Embedder.load(dir, { cacheDir: join(tmp.path, 'cache') })).rejects.toThrow(/model\.safetensors: tensor "embeddings\.word_embeddings\.weight" has shape \[4096, 64\], expected \[4096, 32\]/);
  });

  it('a tokenizer whose vocabulary is larger than the embedding matrix', async () => {
    const dir = copy('tiny-bert');
    editJson(join(dir, 'tokenizer.json'), (j) => ({
      ...j,
      added_tokens: [...j.added_tokens, { id: 5000, content: '[EXTRA]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    }));
    await expect(Embedder.load(dir, { cacheDir: join(tmp.path, 'cache') })).rejects.toThrow(
      /tokenizer\.json: the tokenizer has 5001 token ids but the model's embedding matrix has 4096 rows/,
    );
  });

  it('a T5 folder is not a sentence encoder', async () => {
    await expect(Embedder.load(join(FIXTURES, 'tiny-t5'))).rejects.toThrow(/tiny-t5\/config\.json: model_type "t5" is a generator/);
  });
});
