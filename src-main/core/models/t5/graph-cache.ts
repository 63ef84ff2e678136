// Builds a T5 folder's four graphs (encoder, cross-kv, decoder step with KV cache, full decoder) once
// and keeps them in the graph cache next to the encoders', keyed by a hash of weights + config: a new
// checkpoint gets new graphs, an unchanged one is never rebuilt.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadWeights, ModelFolderError, type ModelFolder, type Weights } from '../folder.js';
import { defaultCacheDir, weightsHash, writeAtomically } from '../graph-cache.js';
import { parseT5Config, type T5Config } from './config.js';
import { buildT5CrossKvGraph, buildT5DecoderFullGraph, buildT5DecoderStepGraph } from './decoder-graphs.js';
import { buildT5EncoderGraph } from './encoder-graph.js';

/** Bump when a T5 graph's layout changes, so stale cached graphs are not reused. */
const GRAPH_VERSION = 't5-v2'; // v2: the step graph's cross-attention K/V and mask are per passage (grouped)
/** protobuf cannot serialise messages of 2 GiB or more. */
const MAX_INLINE_BYTES = 2 ** 31 - 2 ** 24;

export type T5GraphKind = 'encoder' | 'crossKv' | 'step' | 'full';
export const T5_GRAPH_KINDS: T5GraphKind[] = ['encoder', 'crossKv', 'step', 'full'];

const BUILDERS: Record<T5GraphKind, (c: T5Config, w: Weights, source: string) => Uint8Array> = {
  encoder: buildT5EncoderGraph,
  crossKv: buildT5CrossKvGraph,
  step: buildT5DecoderStepGraph,
  full: buildT5DecoderFullGraph,
};

/** Every T5 graph for in-memory weights (tests, benchmarks). */
export function buildT5Graphs(config: T5Config, weights: Weights, source = 'weights'): Record<T5GraphKind, Uint8Array> {
  return Object.fromEntries(T5_GRAPH_KINDS.map((k) => [k, BUILDERS[k](config, weights, source)])) as Record<T5GraphKind, Uint8Array>;
}

/** Paths of the folder's four graphs in the cache, building (all of them, weights loaded once) the missing ones. */
export async function t5GraphPaths(folder: ModelFolder, cacheDir = defaultCacheDir()): Promise<Record<T5GraphKind, string>> {
  if (folder.architecture !== 't5') throw new ModelFolderError(`${join(folder.transformerDir, 'config.json')}: model_type "${folder.config.model_type}" is not t5`);
  const key = createHash('sha256')
    .update(GRAPH_VERSION)
    .update(JSON.stringify(folder.config))
    .update(await weightsHash(folder.weightFiles, cacheDir))
    .digest('hex')
    .slice(0, 24);
  const paths = Object.fromEntries(T5_GRAPH_KINDS.map((k) => [k, join(cacheDir, 'onnx', `t5-${key}-${k}.onnx`)])) as Record<T5GraphKind, string>;
  const missing = T5_GRAPH_KINDS.filter((k) => !existsSync(paths[k]));
  if (missing.length === 0) return paths;
  const source = folder.weightFiles.join(', ');
  const config = parseT5Config(folder.config, join(folder.transformerDir, 'config.json'));
  const weights = loadWeights(folder);
  for (const kind of missing) {
    const bytes = BUILDERS[kind](config, weights, source);
    if (bytes.byteLength > MAX_INLINE_BYTES) {
      throw new ModelFolderError(`${folder.weightFiles[0]}: the model is too large for a single-file ONNX graph (${kind}: ${bytes.byteLength} bytes)`);
    }
    writeAtomically(paths[kind], bytes);
  }
  return paths;
}
