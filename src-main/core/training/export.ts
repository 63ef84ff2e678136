// Writes a trained model as a sentence-transformers folder that Python's SentenceTransformer(path)
// and our own runtime load unchanged: model.safetensors with the source checkpoint's tensor names
// (its task prefix and untrained tensors such as the pooler kept), config.json, the tokenizer
// files, modules.json, 1_Pooling/config.json, sentence_bert_config.json,
// config_sentence_transformers.json, and 2_Normalize when the pipeline normalises.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseWeightName, type ModelFolder } from '../models/folder.js';
import { readSafetensors, serializeSafetensors, type TensorToWrite } from '../models/safetensors.js';
import type { Params } from './layers.js';

export class ExportError extends Error {
  override name = 'ExportError';
}

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'merges.txt', 'vocab.json', 'spiece.model', 'sentencepiece.bpe.model', 'added_tokens.json'];

export interface ExportOptions {
  maxSeqLength: number;
  /** Recorded in config_sentence_transformers.json. */
  generator?: string;
  /** Prompts for config_sentence_transformers.json (the prefixes trained with: encode(q, prompt_name="query") uses them). */
  prompts?: Record<string, string>;
  defaultPromptName?: string | null;
}

/** Trained parameters as plain arrays (Hugging Face names without the task prefix). */
export type ParamArrays = Map<string, { shape: number[]; data: Float32Array }>;

/** The source checkpoint's tensors with trained values substituted under their original names. */
function exportTensors(folder: ModelFolder, params: ParamArrays): Record<string, TensorToWrite> {
  const out: Record<string, TensorToWrite> = {};
  const written = new Set<string>();
  for (const file of folder.weightFiles) {
    const st = readSafetensors(file);
    for (const [name, info] of st.tensors) {
      const normalised = normaliseWeightName(name, folder);
      const trained = normalised !== undefined ? params.get(normalised) : undefined;
      if (trained) {
        out[name] = { shape: trained.shape, data: trained.data };
        written.add(normalised!);
      } else if (info.dtype === 'I64') {
        // Buffers such as position_ids stay integer tensors.
        const raw = st.bytes(name);
        out[name] = { shape: info.shape, data: new BigInt64Array(raw.slice().buffer) };
      } else {
        out[name] = { shape: info.shape, data: st.float32(name) };
      }
    }
  }
  const missing = [...params.keys()].filter((n) => !written.has(n));
  if (missing.length) throw new ExportError(`${folder.weightFiles.join(', ')}: has no tensor for trained parameter(s) ${missing.join(', ')}`);
  return out;
}

export function exportSentenceTransformer(folder: ModelFolder, params: Params, outDir: string, opts: ExportOptions): void {
  const arrays: ParamArrays = new Map([...params].map(([name, t]) => [name, { shape: t.shape, data: t.dataSync() as Float32Array }]));
  exportSentenceTransformerArrays(folder, arrays, outDir, opts);
}

/** The same export from weights held as arrays (e.g. read from a training checkpoint, no tfjs needed). */
export function exportSentenceTransformerArrays(folder: ModelFolder, params: ParamArrays, outDir: string, opts: ExportOptions): void {
  mkdirSync(outDir, { recursive: true });
  const hidden = Number(folder.config.hidden_size);
  writeFileSync(join(outDir, 'model.safetensors'), serializeSafetensors(exportTensors(folder, params), { format: 'pt' }));
  writeFileSync(join(outDir, 'config.json'), JSON.stringify(folder.config, null, 2));
  for (const f of TOKENIZER_FILES) {
    const src = join(folder.transformerDir, f);
    if (existsSync(src)) copyFileSync(src, join(outDir, f));
  }
  const modules = [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
    ...(folder.normalize ? [{ idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' }] : []),
  ];
  writeFileSync(join(outDir, 'modules.json'), JSON.stringify(modules, null, 2));
  mkdirSync(join(outDir, '1_Pooling'), { recursive: true });
  writeFileSync(
    join(outDir, '1_Pooling', 'config.json'),
    JSON.stringify(
      {
        word_embedding_dimension: hidden,
        pooling_mode_cls_token: folder.pooling === 'cls',
        pooling_mode_mean_tokens: folder.pooling === 'mean',
        pooling_mode_max_tokens: folder.pooling === 'max',
        pooling_mode_mean_sqrt_len_tokens: folder.pooling === 'mean_sqrt_len',
        pooling_mode_weightedmean_tokens: false,
        pooling_mode_lasttoken: false,
        include_prompt: true,
      },
      null,
      2,
    ),
  );
  if (folder.normalize) mkdirSync(join(outDir, '2_Normalize'), { recursive: true });
  writeFileSync(join(outDir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: opts.maxSeqLength, do_lower_case: folder.doLowerCase }, null, 2));
  writeFileSync(
    join(outDir, 'config_sentence_transformers.json'),
    JSON.stringify(
      { model_type: 'SentenceTransformer', __version__: { genq_workbench: opts.generator ?? '0.1.0' }, prompts: opts.prompts ?? {}, default_prompt_name: opts.defaultPromptName ?? null, similarity_fn_name: 'cosine' },
      null,
      2,
    ),
  );
}
