import { z } from 'zod';
import { event, method } from '../contract.js';

export type ModelArchitecture = 'bert' | 'mpnet' | 't5';
export type ModelPooling = 'mean' | 'cls' | 'max' | 'mean_sqrt_len';
export type ModelRole = 'encoder' | 'generator' | 'cross-encoder';

/** Facts about a model folder (what `genq models info DIR` prints). */
export interface ModelInfo {
  dir: string;
  architecture: ModelArchitecture;
  /** Parameters of the network the runtime uses (heads such as lm_head excluded). */
  parameters: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  vocabSize: number;
  maxSeqLength: number;
  pooling: ModelPooling;
  normalize: boolean;
  doLowerCase: boolean;
  isSentenceTransformers: boolean;
  /** A *ForSequenceClassification checkpoint (a cross-encoder that scores pairs). */
  sequenceClassifier: boolean;
  /** The folder ships onnx/model.onnx. */
  shippedOnnx: boolean;
  /** Execution provider that runs it here (cpu, cuda, dml, coreml, webgpu); null when not loaded. */
  provider: string | null;
  /** Bytes of every file in the folder. */
  sizeOnDisk: number;
}

/** A model registered in the open project (row of the `models` table). */
export interface ProjectModel {
  id: number;
  name: string;
  role: ModelRole;
  path: string;
  source: string | null;
  parentId: number | null;
  info: ModelInfo | null;
  createdAt: string;
}

export interface TryEmbedResult {
  cosine: number;
  dimension: number;
  provider: string;
  milliseconds: number;
}

const id = z.number().int().positive();
const dir = z.string().trim().min(1, 'a model folder path is required');

export const modelsContract = {
  /** Registers a local model folder in the open project (validated and inspected first). */
  add: method<ProjectModel>()(
    z.object({ dir, name: z.string().trim().min(1).max(200).optional(), role: z.enum(['encoder', 'generator', 'cross-encoder']).optional() }),
  ),
  list: method<ProjectModel[]>()(z.object({})),
  /** Facts about any folder, registered or not. */
  info: method<ModelInfo>()(z.object({ dir })),
  /** Forgets a model (its folder on disk is left alone). */
  remove: method<void>()(z.object({ id })),
  /** Embeds two texts with a registered encoder and returns their cosine similarity. */
  tryEmbed: method<TryEmbedResult>()(z.object({ id, a: z.string().min(1).max(20000), b: z.string().min(1).max(20000) })),
  /** Fired after add/remove with the new list. */
  onChanged: event<ProjectModel[]>(),
};
