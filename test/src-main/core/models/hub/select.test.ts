// Which files a pull fetches, repo-id parsing and the environment settings.
import { describe, expect, it } from 'vitest';
import { globToRegExp, selectFiles, type RepoFile } from '../../../../../src-main/core/models/hub/select.js';
import { hubSettings, parseRepoRef } from '../../../../../src-main/core/models/hub/settings.js';

const file = (path: string, lfs = false): RepoFile => ({ path, size: 10, oid: 'a'.repeat(40), ...(lfs ? { lfs: { oid: 'b'.repeat(64), size: 10 } } : {}) });

describe('selectFiles', () => {
  it('keeps configs, tokenizers, module configs and safetensors (sharded too); drops other runtimes\' weights', () => {
    const all = [
      'config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'spiece.model', 'generation_config.json',
      'modules.json', 'sentence_bert_config.json', 'config_sentence_transformers.json', '1_Pooling/config.json', '2_Dense/model.safetensors', '2_Dense/config.json',
      'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors',
      'pytorch_model.bin', 'tf_model.h5', 'flax_model.msgpack', 'rust_model.ot', 'onnx/model.onnx', 'onnx/tokenizer.json', 'openvino/openvino_model.xml',
      'README.md', '.gitattributes', 'reference_hidden.safetensors', 'a/b/config.json',
    ].map((p) => file(p, /\.(safetensors|bin|h5|onnx)$/.test(p)));
    const picked = selectFiles(all).files.map((f) => f.path);
    expect(picked).toEqual([
      'config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'spiece.model', 'generation_config.json',
      'modules.json', 'sentence_bert_config.json', 'config_sentence_transformers.json', '1_Pooling/config.json', '2_Dense/model.safetensors', '2_Dense/config.json',
      'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors',
    ]);
    expect(selectFiles(all, ['pytorch_model.bin', 'onnx/*']).files.map((f) => f.path)).toEqual(expect.arrayContaining(['pytorch_model.bin', 'onnx/model.onnx', 'onnx/tokenizer.json']));
  });

  it('warns when there are no safetensors or no tokenizer.json; refuses unsafe paths and hashes', () => {
    const { files, warnings } = selectFiles([file('config.json'), file('pytorch_model.bin', true), file('spiece.model')]);
    expect(files.map((f) => f.path)).toEqual(['config.json', 'spiece.model']);
    expect(warnings).toEqual([expect.stringMatching(/no safetensors weights in the repo \(it has pytorch_model\.bin\)/), expect.stringMatching(/no tokenizer\.json/)]);
    expect(selectFiles([file('../config.json'), { ...file('config.json'), oid: '../../x' }], ['**']).files).toEqual([]);
  });

  it('globs: * stays within a folder, ** crosses folders', () => {
    expect(globToRegExp('onnx/*').test('onnx/model.onnx')).toBe(true);
    expect(globToRegExp('onnx/*').test('onnx/sub/model.onnx')).toBe(false);
    expect(globToRegExp('**.onnx').test('onnx/sub/model.onnx')).toBe(true);
    expect(globToRegExp('model.bin').test('modelxbin')).toBe(false);
  });
});

describe('parseRepoRef and hubSettings', () => {
  it('splits OWNER/NAME@REV (revisions may hold slashes) and rejects bad ids', () => {
    expect(parseRepoRef('BeIR/query-gen-msmarco-t5-base-v1')).toEqual({ repo: 'BeIR/query-gen-msmarco-t5-base-v1', revision: 'main' });
    expect(parseRepoRef('doc2query/msmarco-t5-small-v1@refs/pr/3')).toEqual({ repo: 'doc2query/msmarco-t5-small-v1', revision: 'refs/pr/3' });
    expect(parseRepoRef('gpt2@v1')).toEqual({ repo: 'gpt2', revision: 'v1' });
    for (const bad of ['', '/abs/path', 'a/b/c', '../x', 'a/..']) expect(() => parseRepoRef(bad)).toThrow(/not a Hub model id/);
  });

  it('reads HF_ENDPOINT, HF_TOKEN, offline flags and the cache folder from the environment', () => {
    expect(hubSettings({ HOME: '/h' } as NodeJS.ProcessEnv, {})).toMatchObject({ endpoint: 'https://huggingface.co', token: undefined, offline: false });
    const s = hubSettings({ HF_ENDPOINT: 'http://mirror.local/', HF_TOKEN: ' hf_x ', HF_HUB_OFFLINE: '1', GENQ_CACHE: '/c' });
    expect(s).toEqual({ endpoint: 'http://mirror.local', token: 'hf_x', offline: true, cacheDir: '/c/hub' });
    expect(hubSettings({ GENQ_OFFLINE: 'true', XDG_CACHE_HOME: '/x' })).toMatchObject({ offline: true, cacheDir: '/x/genq-workbench/hub' });
    expect(hubSettings({ GENQ_OFFLINE: '0', HUGGING_FACE_HUB_TOKEN: 'hf_old' })).toMatchObject({ offline: false, token: 'hf_old' });
  });
});
