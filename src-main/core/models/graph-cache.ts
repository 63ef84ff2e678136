// Builds an encoder's ONNX graph once and keeps it in a cache folder (the project's models/ or
// ~/.cache/genq-workbench), keyed by a hash of the weights, config and pooling: a fine-tuned model
// with new weights gets a new graph, an unchanged one is never rebuilt.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadWeights, ModelFolderError, type ModelFolder } from './folder.js';
import { buildEncoderGraph } from './onnx/encoder.js';

/** Bump when the graph layout changes, so that stale cached graphs are not reused. */
const GRAPH_VERSION = 'encoder-v1';
/** protobuf cannot serialise messages of 2 GiB or more. */
const MAX_INLINE_BYTES = 2 ** 31 - 2 ** 24;

export function defaultCacheDir(): string {
  return join(homedir(), '.cache', 'genq-workbench');
}

/** sha256 of the weight files' bytes, remembered per (path, size, mtime) so large files are hashed once. */
export async function weightsHash(files: string[], cacheDir: string): Promise<string> {
  const memoPath = join(cacheDir, 'onnx', 'weight-hashes.json');
  const memo: Record<string, string> = existsSync(memoPath) ? safeJson(memoPath) : {};
  const total = createHash('sha256');
  let changed = false;
  for (const file of files) {
    const st = statSync(file);
    const key = `${file}|${st.size}|${st.mtimeMs}`;
    let digest = memo[key];
    if (!digest) {
      const h = createHash('sha256');
      for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
      digest = h.digest('hex');
      memo[key] = digest;
      changed = true;
    }
    total.update(digest);
  }
  if (changed) writeAtomically(memoPath, JSON.stringify(memo, null, 1));
  return total.digest('hex');
}

/** Path of the folder's encoder graph (with pooling + Normalize fused), building it if needed. */
export async function encoderGraphPath(folder: ModelFolder, cacheDir = defaultCacheDir()): Promise<string> {
  if (folder.architecture === 't5') throw new ModelFolderError(`${join(folder.transformerDir, 'config.json')}: t5 is not a sentence encoder`);
  const key = createHash('sha256')
    .update(GRAPH_VERSION)
    .update(JSON.stringify(folder.config))
    .update(`${folder.pooling}|${folder.normalize}`)
    .update(await weightsHash(folder.weightFiles, cacheDir))
    .digest('hex')
    .slice(0, 24);
  const path = join(cacheDir, 'onnx', `${folder.architecture}-${key}.onnx`);
  if (existsSync(path)) return path;
  const bytes = buildEncoderGraph({ architecture: folder.architecture, config: folder.config }, loadWeights(folder), {
    pooling: folder.pooling,
    normalize: folder.normalize,
    source: folder.weightFiles.join(', '),
  });
  if (bytes.byteLength > MAX_INLINE_BYTES) {
    throw new ModelFolderError(`${folder.weightFiles[0]}: the model is too large for a single-file ONNX graph (${bytes.byteLength} bytes)`);
  }
  writeAtomically(path, bytes);
  return path;
}

export function writeAtomically(path: string, data: string | Uint8Array): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function safeJson(path: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch {
    return {}; // a damaged memo only costs a re-hash
  }
}
