// Which files of a repo the runtime needs: configs, tokenizer files, sentence-transformers module
// configs and safetensors weights. PyTorch pickles, TF/Flax weights and ONNX exports are left out
// unless the caller asks for them with `include` patterns.

export interface RepoFile {
  path: string;
  size: number;
  /** Git blob sha1 of the file (of the pointer file for LFS files). */
  oid: string;
  /** sha256 and size of the real content for LFS files. */
  lfs?: { oid: string; size: number };
}

/** Small files the runtime (or a future one) reads, wherever a module folder puts them. */
const NEEDED_NAMES = new Set([
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.txt',
  'spiece.model',
  'generation_config.json',
  'modules.json',
  'sentence_bert_config.json',
  'config_sentence_transformers.json',
  'model.safetensors',
  'model.safetensors.index.json',
]);
const SHARD = /^model-\d{5}-of-\d{5}\.safetensors$/;
/** Folders of other runtimes' exports, never needed by ours. */
const VARIANT_DIRS = new Set(['onnx', 'openvino', 'tf', 'flax', 'coreml', 'tflite', 'rust_model', 'pytorch', 'ggml', 'gguf']);
const OTHER_WEIGHTS = /\.(bin|h5|msgpack|ot|onnx|onnx_data|pt|pth|ckpt|gguf|tflite|mlmodel)$/;

/** A `*` glob over one path (`*` does not cross "/"; `**` does). */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*|\*|\?/g, (m) => (m === '**' ? '.*' : m === '*' ? '[^/]*' : '[^/]'));
  return new RegExp(`^${escaped}$`);
}

export function isNeeded(path: string): boolean {
  const parts = path.split('/');
  // The repo root, or one module folder below it (0_Transformer/, 1_Pooling/, 2_Dense/).
  if (parts.length > 2) return false;
  if (parts.length === 2 && VARIANT_DIRS.has(parts[0].toLowerCase())) return false;
  const name = parts[parts.length - 1];
  if (OTHER_WEIGHTS.test(name)) return false;
  return NEEDED_NAMES.has(name) || SHARD.test(name);
}

/** A path that stays inside the snapshot and a hash usable as a blob file name. */
function isSafe(f: RepoFile): boolean {
  const inside = !f.path.startsWith('/') && !f.path.split('/').some((seg) => seg === '..' || seg === '' || seg.includes('\\'));
  return inside && /^[0-9a-f]{40,64}$/.test(f.lfs?.oid ?? f.oid);
}

export interface Selection {
  files: RepoFile[];
  /** Things the user should know: weights we skipped, a missing tokenizer.json. */
  warnings: string[];
}

/** Picks the files to download, with warnings about what the runtime will miss. */
export function selectFiles(all: RepoFile[], include: string[] = []): Selection {
  const extra = include.map(globToRegExp);
  const files = all.filter((f) => isSafe(f) && (isNeeded(f.path) || extra.some((re) => re.test(f.path))));
  const warnings: string[] = [];
  const hasSafetensors = files.some((f) => f.path.endsWith('.safetensors'));
  if (!hasSafetensors) {
    const others = all.filter((f) => OTHER_WEIGHTS.test(f.path)).map((f) => f.path);
    warnings.push(
      `no safetensors weights in the repo${others.length ? ` (it has ${others.slice(0, 5).join(', ')})` : ''}; the runtime reads only safetensors`,
    );
  }
  const rootTokenizer = files.some((f) => f.path.split('/').pop() === 'tokenizer.json');
  if (!rootTokenizer) warnings.push('no tokenizer.json (fast tokenizer) in the repo; the runtime needs one to tokenize text');
  return { files, warnings };
}
