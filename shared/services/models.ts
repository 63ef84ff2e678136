import { z } from 'zod';
import { event, method } from '../contract.js';
import type { DeviceMemoryReport } from '../device-memory.js';
import type { JobSnapshot } from './jobs.js';

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
  /** The provider with why preferred ones were not used; null when not loaded. */
  device?: DeviceReport | null;
  /** Bytes of every file in the folder. */
  sizeOnDisk: number;
  /** config_sentence_transformers.json "prompts" (name → prefix text); {} when the folder has none. */
  prompts?: Record<string, string>;
  /** config_sentence_transformers.json "default_prompt_name". */
  defaultPromptName?: string | null;
}

/** Texts put before queries and passages when this model embeds them in the project. */
export interface ModelPrefixes {
  query: string;
  passage: string;
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
  /** The prefixes every project path uses for this model (encoders; '' = none). Set by models.list/add/setPrefixes. */
  prefixes?: ModelPrefixes;
  /** Where they come from: set in this project, or the folder's config_sentence_transformers.json prompts. */
  prefixesFrom?: 'project' | 'folder';
}

/** Which execution provider ran a model and why preferred ones were not used (one line each). */
export interface DeviceReport {
  provider: string;
  fallbackReasons: string[];
  /** GPU memory as the system reports it (nvidia-smi), or why not; null/absent for CPU providers. */
  memory?: DeviceMemoryReport | null;
}

export interface TryEmbedResult {
  cosine: number;
  dimension: number;
  provider: string;
  device: DeviceReport;
  milliseconds: number;
}

// ---- Hub downloads (model manager): the shared cache of Hugging Face Hub snapshots ----

/** A checkpoint suggested for a role, with what downloading it costs. */
export interface HubSuggestion {
  repo: string;
  role: ModelRole;
  description: string;
  parameters: number;
  /** Approximate bytes of the files a pull fetches (mostly the float32 safetensors). */
  approxBytes: number;
  /** The default pick for its role. */
  recommended?: boolean;
}

/** A complete snapshot in the shared model cache (what `genq models list` prints). */
export interface CachedModel {
  repo: string;
  /** The 40-hex commit the snapshot holds. */
  commit: string;
  /** Branches/tags downloaded that point to this commit (e.g. ["main"]). */
  refs: string[];
  /** The model folder: pass it to models.add / models.info. */
  dir: string;
  files: number;
  sizeOnDisk: number;
  downloadedAt: string;
}

/** Where downloads come from and go, as read from the environment of the main process. */
export interface HubStatus {
  endpoint: string;
  cacheDir: string;
  offline: boolean;
  /** HF_TOKEN is set (its value is never sent to the renderer). */
  tokenSet: boolean;
}

const hubRepoId = z
  .string()
  .trim()
  .regex(/^([A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/, 'a Hub model id looks like OWNER/NAME')
  .refine((r) => !r.includes('..'), 'a Hub model id cannot contain ".."');
const hubRevision = z.string().trim().min(1).max(200).regex(/^[\w./-]+$/, 'a revision is a branch, tag or commit id').refine((r) => !r.split('/').includes('..'), 'bad revision');

/** Params of the 'models.download' job (and of models.pull). */
export const modelsPullParamsSchema = z.object({
  repo: hubRepoId,
  revision: hubRevision.default('main'),
  /** Extra path globs to fetch beyond what the runtime needs (e.g. "onnx/*", "pytorch_model.bin"). */
  include: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
});
export type ModelsPullParams = z.infer<typeof modelsPullParamsSchema>;

const id = z.number().int().positive();
const dir = z.string().trim().min(1, 'a model folder path is required');
/** A prefix as typed (kept verbatim: "query: " needs its trailing space); null = back to the folder's. */
const prefix = z.string().max(1000).nullable().optional();

export const modelsContract = {
  /** Registers a local model folder in the open project (validated and inspected first). */
  add: method<ProjectModel>()(
    z.object({
      dir,
      name: z.string().trim().min(1).max(200).optional(),
      role: z.enum(['encoder', 'generator', 'cross-encoder']).optional(),
      queryPrefix: prefix,
      passagePrefix: prefix,
    }),
  ),
  /** Sets the query and/or passage prefix of a project model (E5's "query: ", BGE's instruction); null returns a side to the folder's prompt. */
  setPrefixes: method<ProjectModel>()(z.object({ id, query: prefix, passage: prefix })),
  list: method<ProjectModel[]>()(z.object({})),
  /** Facts about any folder, registered or not. */
  info: method<ModelInfo>()(z.object({ dir })),
  /** Forgets a model (its folder on disk is left alone). */
  remove: method<void>()(z.object({ id })),
  /** Embeds two texts with a registered encoder and returns their cosine similarity. */
  tryEmbed: method<TryEmbedResult>()(z.object({ id, a: z.string().min(1).max(20000), b: z.string().min(1).max(20000) })),
  /** Fired after add/remove with the new list. */
  onChanged: event<ProjectModel[]>(),
  /** Starts a 'models.download' job (progress in bytes, cancel, resume) in the open project; its result has the snapshot `dir`. */
  pull: method<JobSnapshot>()(modelsPullParamsSchema),
  /** Complete snapshots in the shared model cache, newest first. */
  cached: method<CachedModel[]>()(z.object({})),
  /** Deletes a cached snapshot (or every snapshot of the repo when commit is omitted); returns the bytes freed. */
  deleteCached: method<{ freedBytes: number }>()(z.object({ repo: hubRepoId, commit: z.string().regex(/^[0-9a-f]{40}$/).optional() })),
  /** Suggested checkpoints per role with their sizes. */
  suggestions: method<HubSuggestion[]>()(z.object({ role: z.enum(['encoder', 'generator', 'cross-encoder']).optional() })),
  /** Hub endpoint, cache folder, offline mode and whether HF_TOKEN is set. */
  hubStatus: method<HubStatus>()(z.object({})),
  /** Whether the Hub endpoint answers from here now (any HTTP answer within a few seconds); false offline or without network. */
  hubReachable: method<{ reachable: boolean; message: string }>()(z.object({})),
};
