// A Hugging Face / sentence-transformers model folder: which architecture, which weight files,
// and the sentence-transformers module pipeline (pooling, Normalize, max length, lower-casing).
// Without modules.json we behave as sentence-transformers does for a plain checkpoint: mean pooling,
// no normalisation, max length = min(max_position_embeddings, tokenizer model_max_length).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSafetensors } from './safetensors.js';

export type PoolingMode = 'mean' | 'cls' | 'max' | 'mean_sqrt_len';
export type Architecture = 'bert' | 'mpnet' | 't5';

export interface ModelFolder {
  dir: string;
  /** Where config.json, the tokenizer and the weights live: `dir`, or an old-style `0_Transformer/`. */
  transformerDir: string;
  config: Record<string, any>; // config.json
  architecture: Architecture;
  pooling: PoolingMode;
  normalize: boolean;
  maxSeqLength: number;
  doLowerCase: boolean;
  isSentenceTransformers: boolean; // modules.json present
  weightFiles: string[]; // model.safetensors or the shards of model.safetensors.index.json
  /** onnx/model.onnx when the folder ships one (an export with input_ids/attention_mask → last_hidden_state). */
  shippedOnnx?: string;
  /** config_sentence_transformers.json "prompts" (e.g. E5's {"query": "query: ", "passage": "passage: "}); {} without one. */
  prompts: Record<string, string>;
  /** config_sentence_transformers.json "default_prompt_name": the prompt sentence-transformers applies when none is named. */
  defaultPromptName: string | null;
}

export type Weights = Map<string, { shape: number[]; data: Float32Array }>;

export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
}

const ARCHITECTURES: Record<string, Architecture> = { bert: 'bert', mpnet: 'mpnet', t5: 't5' };
const TASK_PREFIXES = ['bert.', 'mpnet.', 'roberta.'];

function readJson(path: string, what: string): Record<string, any> {
  if (!existsSync(path)) throw new ModelFolderError(`${path}: file is missing (${what})`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
  } catch (e) {
    throw new ModelFolderError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

function optionalJson(path: string): Record<string, any> | undefined {
  return existsSync(path) ? readJson(path, '') : undefined;
}

export function loadModelFolder(dirArg: string): ModelFolder {
  const dir = resolve(dirArg);
  if (!existsSync(dir)) throw new ModelFolderError(`${dir}: model folder does not exist`);

  const modulesPath = join(dir, 'modules.json');
  const modules = existsSync(modulesPath) ? (readJson(modulesPath, 'sentence-transformers modules') as unknown) : undefined;
  if (modules !== undefined && !Array.isArray(modules)) {
    throw new ModelFolderError(`${modulesPath}: expected a JSON array of modules`);
  }
  const moduleList = (modules ?? []) as Array<{ path?: string; type?: string }>;
  const transformerModule = moduleList.find((m) => m.type?.endsWith('.Transformer'));
  const transformerDir = transformerModule?.path ? join(dir, transformerModule.path) : dir;

  const configPath = join(transformerDir, 'config.json');
  const config = readJson(configPath, 'every model folder needs the model config');
  const modelType = String(config.model_type ?? '');
  const architecture = ARCHITECTURES[modelType];
  if (!architecture) {
    throw new ModelFolderError(
      `${configPath}: unsupported architecture model_type="${modelType}" (${JSON.stringify(config.architectures ?? [])}); supported: bert, mpnet, t5`,
    );
  }
  const tokenizerPath = join(transformerDir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) {
    throw new ModelFolderError(`${tokenizerPath}: file is missing (a fast-tokenizer tokenizer.json is required)`);
  }

  const stConfig = optionalJson(join(transformerDir, 'sentence_bert_config.json')) ?? optionalJson(join(dir, 'sentence_bert_config.json'));
  const tokConfig = optionalJson(join(transformerDir, 'tokenizer_config.json')) ?? {};
  const maxSeqLength = resolveMaxLength(architecture, config, stConfig, tokConfig);

  let pooling: PoolingMode = 'mean';
  const poolingModule = moduleList.find((m) => m.type?.endsWith('.Pooling'));
  if (poolingModule) pooling = readPooling(join(dir, poolingModule.path ?? '', 'config.json'));
  const normalize = moduleList.some((m) => m.type?.endsWith('.Normalize'));
  const unknown = moduleList.filter((m) => !/\.(Transformer|Pooling|Normalize)$/.test(m.type ?? ''));
  if (unknown.length > 0) {
    throw new ModelFolderError(`${modulesPath}: unsupported sentence-transformers module(s) ${unknown.map((m) => m.type).join(', ')}`);
  }

  const onnxPath = join(transformerDir, 'onnx', 'model.onnx');
  const { prompts, defaultPromptName } = readPrompts(dir, transformerDir);
  return {
    dir,
    transformerDir,
    config,
    architecture,
    pooling,
    normalize,
    maxSeqLength,
    doLowerCase: Boolean(stConfig?.do_lower_case ?? false),
    isSentenceTransformers: modules !== undefined,
    weightFiles: findWeightFiles(transformerDir),
    shippedOnnx: existsSync(onnxPath) ? onnxPath : undefined,
    prompts,
    defaultPromptName,
  };
}

/** The prompts of config_sentence_transformers.json (string values only), as sentence-transformers reads them. */
function readPrompts(dir: string, transformerDir: string): { prompts: Record<string, string>; defaultPromptName: string | null } {
  const path = [join(dir, 'config_sentence_transformers.json'), join(transformerDir, 'config_sentence_transformers.json')].find((p) => existsSync(p));
  const cfg = path ? readJson(path, 'sentence-transformers config') : {};
  const raw: unknown = cfg.prompts ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelFolderError(`${path}: "prompts" must be an object of name → prefix text`);
  const prompts: Record<string, string> = {};
  for (const [name, text] of Object.entries(raw)) {
    if (typeof text !== 'string') throw new ModelFolderError(`${path}: prompt "${name}" must be a string`);
    prompts[name] = text;
  }
  const name = typeof cfg.default_prompt_name === 'string' ? cfg.default_prompt_name : null;
  if (name !== null && !(name in prompts)) throw new ModelFolderError(`${path}: default_prompt_name "${name}" is not one of the prompts (${Object.keys(prompts).join(', ') || 'none'})`);
  return { prompts, defaultPromptName: name };
}

function resolveMaxLength(arch: Architecture, config: Record<string, any>, st: Record<string, any> | undefined, tok: Record<string, any>): number {
  let posMax = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : Infinity;
  // MPNet numbers positions from padding_idx + 1, so two position rows are never reachable.
  if (arch === 'mpnet') posMax -= (config.pad_token_id ?? 1) + 1;
  // A max_seq_length beyond the position table would index past it; no checkpoint can run that long.
  if (typeof st?.max_seq_length === 'number') return Math.min(st.max_seq_length, posMax);
  const tokMax = typeof tok.model_max_length === 'number' && tok.model_max_length < 1e9 ? tok.model_max_length : Infinity;
  const max = Math.min(posMax, tokMax);
  return Number.isFinite(max) ? max : 512;
}

function readPooling(path: string): PoolingMode {
  const cfg = readJson(path, 'the Pooling module config named in modules.json');
  const modes: PoolingMode[] = [];
  if (cfg.pooling_mode_cls_token) modes.push('cls');
  if (cfg.pooling_mode_mean_tokens) modes.push('mean');
  if (cfg.pooling_mode_max_tokens) modes.push('max');
  if (cfg.pooling_mode_mean_sqrt_len_tokens) modes.push('mean_sqrt_len');
  const unsupported = ['pooling_mode_weightedmean_tokens', 'pooling_mode_lasttoken'].filter((k) => cfg[k]);
  if (unsupported.length > 0 || cfg.include_prompt === false) {
    throw new ModelFolderError(`${path}: unsupported pooling (${[...unsupported, ...(cfg.include_prompt === false ? ['include_prompt=false'] : [])].join(', ')})`);
  }
  if (modes.length !== 1) {
    throw new ModelFolderError(`${path}: expected exactly one pooling mode, found ${modes.length === 0 ? 'none' : modes.join(' + ')}`);
  }
  return modes[0];
}

function findWeightFiles(dir: string): string[] {
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) return [single];
  const indexPath = join(dir, 'model.safetensors.index.json');
  if (existsSync(indexPath)) {
    const index = readJson(indexPath, 'sharded weights index');
    const map = index.weight_map as Record<string, string> | undefined;
    if (!map || typeof map !== 'object') throw new ModelFolderError(`${indexPath}: has no "weight_map"`);
    const shards = [...new Set(Object.values(map))].map((f) => join(dir, f));
    for (const shard of shards) {
      if (!existsSync(shard)) throw new ModelFolderError(`${shard}: weight shard named in ${indexPath} is missing`);
    }
    return shards;
  }
  const legacy = existsSync(join(dir, 'pytorch_model.bin')) ? ' (pytorch_model.bin is present, but only safetensors can be read without Python)' : '';
  throw new ModelFolderError(`${single}: file is missing, and there is no model.safetensors.index.json either${legacy}`);
}

/** True for a cross-encoder checkpoint, whose pooler and classifier are part of the model. */
function isSequenceClassifier(config: Record<string, any>): boolean {
  return ((config.architectures ?? []) as string[]).some((a) => a.endsWith('ForSequenceClassification'));
}

/** Maps a checkpoint tensor name to the runtime's name, or undefined for tensors the encoder never uses. */
export function normaliseWeightName(name: string, folder: Pick<ModelFolder, 'architecture' | 'config'>): string | undefined {
  if (folder.architecture === 't5') return name; // T5 names are already bare; its lm_head is needed when untied.
  let n = name;
  for (const prefix of TASK_PREFIXES) if (n.startsWith(prefix)) n = n.slice(prefix.length);
  if (n.startsWith('lm_head.') || n.startsWith('cls.') || n.endsWith('position_ids')) return undefined;
  if (!isSequenceClassifier(folder.config) && (n.startsWith('pooler.') || n.startsWith('classifier.'))) return undefined;
  // Old TF-converted BERT checkpoints call LayerNorm's parameters gamma/beta.
  return n.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
}

/** All weights as float32 with normalised names (task prefix stripped, unused heads dropped). */
export function loadWeights(folder: ModelFolder): Weights {
  const out: Weights = new Map();
  for (const file of folder.weightFiles) {
    const st = readSafetensors(file);
    for (const [name, info] of st.tensors) {
      const n = normaliseWeightName(name, folder);
      if (n === undefined) continue;
      if (out.has(n)) throw new ModelFolderError(`${file}: tensor "${name}" duplicates "${n}" from another name or shard`);
      out.set(n, { shape: info.shape, data: st.float32(name) });
    }
  }
  return out;
}
