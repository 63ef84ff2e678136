// Query and passage prefixes of an encoder ("prompts" in sentence-transformers): E5 expects
// "query: " / "passage: ", BGE an instruction before queries. A folder's
// config_sentence_transformers.json supplies the defaults; a project can set its own per model
// (models.query_prefix / passage_prefix, NULL = the folder's). Every path that embeds for a
// project model — indexing, search, evaluation, curation signals, training pairs and the dev set —
// prefixes its texts here before tokenization, and training writes them into the exported folder.
import type Database from 'better-sqlite3';
import { loadModelFolder, type ModelFolder } from './folder.js';

export interface ModelPrefixes {
  /** Put before every query (or question) text. */
  query: string;
  /** Put before every passage (document) text. */
  passage: string;
}

export const NO_PREFIXES: ModelPrefixes = Object.freeze({ query: '', passage: '' });

/** Prompt names sentence-transformers models use for the document side. */
const PASSAGE_PROMPT_NAMES = ['passage', 'document', 'corpus', 'doc'];

/**
 * The prefixes a folder's prompts imply: "query" for queries, "passage" (or "document", "corpus")
 * for passages; a side without its own prompt gets the default prompt, as
 * SentenceTransformer.encode does when no prompt_name is given.
 */
export function folderPrefixes(folder: Pick<ModelFolder, 'prompts' | 'defaultPromptName'>): ModelPrefixes {
  const fallback = folder.defaultPromptName ? (folder.prompts[folder.defaultPromptName] ?? '') : '';
  const passageName = PASSAGE_PROMPT_NAMES.find((n) => n in folder.prompts);
  return {
    query: folder.prompts.query ?? fallback,
    passage: passageName ? folder.prompts[passageName] : fallback,
  };
}

/** The project's prefixes for model `modelId`: set in the project, else the folder's prompts. */
export function projectModelPrefixes(db: Database.Database, modelId: number): ModelPrefixes {
  const row = db.prepare('SELECT path, query_prefix, passage_prefix FROM models WHERE id = ?').get(modelId) as
    | { path: string; query_prefix: string | null; passage_prefix: string | null }
    | undefined;
  if (!row) return NO_PREFIXES;
  const fromFolder = row.query_prefix === null || row.passage_prefix === null ? folderPrefixes(loadModelFolder(row.path)) : NO_PREFIXES;
  return { query: row.query_prefix ?? fromFolder.query, passage: row.passage_prefix ?? fromFolder.passage };
}

/** Whether the project overrides the folder's prefixes for this model. */
export function prefixesSetInProject(db: Database.Database, modelId: number): boolean {
  const row = db.prepare('SELECT query_prefix, passage_prefix FROM models WHERE id = ?').get(modelId) as
    | { query_prefix: string | null; passage_prefix: string | null }
    | undefined;
  return Boolean(row && (row.query_prefix !== null || row.passage_prefix !== null));
}

/** Stores the project's prefixes of a model; undefined leaves a side as it is, null returns it to the folder's. */
export function setProjectModelPrefixes(db: Database.Database, modelId: number, prefixes: { query?: string | null; passage?: string | null }): void {
  if (prefixes.query !== undefined) db.prepare('UPDATE models SET query_prefix = ? WHERE id = ?').run(prefixes.query, modelId);
  if (prefixes.passage !== undefined) db.prepare('UPDATE models SET passage_prefix = ? WHERE id = ?').run(prefixes.passage, modelId);
}

export const withPrefix = (prefix: string, texts: readonly string[]): string[] => (prefix ? texts.map((t) => prefix + t) : [...texts]);

/** Training pairs as the encoder must see them: query and passage prefixed. */
export function prefixPairs<P extends { query: string; passage: string }>(pairs: readonly P[], prefixes: ModelPrefixes): P[] {
  if (!prefixes.query && !prefixes.passage) return [...pairs];
  return pairs.map((p) => ({ ...p, query: prefixes.query + p.query, passage: prefixes.passage + p.passage }));
}

/** A dev set (queries and the passages they search) with the prefixes applied. */
export function prefixDevSet<D extends { queries: Array<{ id: string; text: string }>; corpus: Array<{ id: string; text: string }> }>(dev: D, prefixes: ModelPrefixes): D {
  return {
    ...dev,
    queries: dev.queries.map((q) => ({ ...q, text: prefixes.query + q.text })),
    corpus: dev.corpus.map((p) => ({ ...p, text: prefixes.passage + p.text })),
  };
}

/**
 * The prompts to write into an exported folder's config_sentence_transformers.json so that
 * SentenceTransformer(path).encode(q, prompt_name="query") (and "passage") use the same prefixes:
 * the source folder's other prompts are kept; the default prompt only when it still exists.
 */
export function exportPrompts(folder: Pick<ModelFolder, 'prompts' | 'defaultPromptName'>, prefixes: ModelPrefixes): { prompts: Record<string, string>; defaultPromptName: string | null } {
  const prompts: Record<string, string> = { ...folder.prompts };
  for (const name of ['query', ...PASSAGE_PROMPT_NAMES]) delete prompts[name];
  if (prefixes.query) prompts.query = prefixes.query;
  if (prefixes.passage) prompts.passage = prefixes.passage;
  const defaultPromptName = folder.defaultPromptName && folder.defaultPromptName in prompts ? folder.defaultPromptName : null;
  return { prompts, defaultPromptName };
}
