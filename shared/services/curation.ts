// Curation: quality signals per query, filters and saved rules, accept/reject with a persisted
// undo log, the held-out eval split, and export/import of pairs (every query nobody rejected, or accepted only). The schemas live here so
// the UI, the CLI and the job kind validate the same way.
import { z } from 'zod';
import { method } from '../contract.js';
import type { JobSnapshot } from './jobs.js';

export const SIGNAL_NAMES = ['tokens', 'words', 'overlap', 'copyRatio', 'dupPassage', 'dupCorpus', 'nearDup', 'nearDupCorpus', 'degenerate', 'roundtripRank', 'relevance'] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];
export const QUERY_STATUSES = ['pending', 'accepted', 'rejected'] as const;
export type QueryStatus = (typeof QUERY_STATUSES)[number];
export const COMPARISONS = ['>', '>=', '<', '<=', '=', '!='] as const;

/** `signal op value`; a query whose signal was never computed matches no condition. */
export const conditionSchema = z.object({
  signal: z.enum(SIGNAL_NAMES),
  op: z.enum(COMPARISONS),
  value: z.number().finite(),
});
export type Condition = z.output<typeof conditionSchema>;

export const queryFilterSchema = z.object({
  status: z.array(z.enum(QUERY_STATUSES)).optional(),
  origin: z.array(z.enum(['generated', 'manual', 'imported'])).optional(),
  split: z.enum(['train', 'eval']).optional(),
  conditions: z.array(conditionSchema).max(20).default([]),
  /** all: every condition holds (AND); any: at least one (OR). */
  match: z.enum(['all', 'any']).default('all'),
  /** Words that must occur in the query text or (full-text) in its passage. */
  search: z.string().trim().max(500).optional(),
  documentId: z.number().int().positive().optional(),
  passageId: z.number().int().positive().optional(),
  /** An explicit selection. */
  queryIds: z.array(z.number().int().positive()).max(100_000).optional(),
});
export type QueryFilter = z.output<typeof queryFilterSchema>;
export type QueryFilterInput = z.input<typeof queryFilterSchema>;

export const ruleSchema = z.discriminatedUnion('type', [
  /** Sets `action` on every query the filter matches. */
  z.object({ type: z.literal('filter'), filter: queryFilterSchema.prefault({}), action: z.enum(QUERY_STATUSES) }),
  /** doc2query--: among the queries the filter matches, keeps the top `share` by `signal` in each scope and rejects the rest. */
  z.object({
    type: z.literal('keepTop'),
    signal: z.enum(SIGNAL_NAMES),
    share: z.number().min(0).max(1),
    scope: z.enum(['corpus', 'document', 'passage']).default('corpus'),
    /** false: smaller is better (e.g. roundtripRank). */
    higherIsBetter: z.boolean().default(true),
    filter: queryFilterSchema.prefault({}),
  }),
]);
export type Rule = z.output<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

export const signalsParamsSchema = z.object({
  lexical: z.boolean().default(true),
  /** Tokenizer for sig_tokens (a model folder); default: the project's generator, else its base encoder, else an estimate. */
  tokenizerDir: z.string().min(1).optional(),
  /** Generation limit in tokens (truncation flag); default: from the latest generation run's config. */
  maxQueryTokens: z.number().int().positive().optional(),
  /** Word Jaccard at or above which a query near-duplicates an earlier query of another passage (signal nearDupCorpus). */
  nearDupThreshold: z.number().min(0.5).max(1).default(0.9),
  /** Round-trip rank with this encoder (model id); true = the project's base encoder. */
  roundtrip: z.union([z.boolean(), z.number().int().positive()]).default(false),
  /** Ranks beyond k are stored as k + 1. */
  roundtripK: z.number().int().min(1).max(1000).default(100),
  /** Cross-encoder model id (role 'cross-encoder') for the relevance score. */
  crossEncoderId: z.number().int().positive().optional(),
  batchSize: z.number().int().min(1).max(4096).default(64),
  /** onnxruntime execution provider for the round-trip encoder and the cross-encoder (absent = 'auto'); an explicit one that fails is an error. */
  provider: z.enum(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml']).optional(),
});
export type SignalsParams = z.output<typeof signalsParamsSchema>;
export type SignalsParamsInput = z.input<typeof signalsParamsSchema>;

export interface CurationQueryRow {
  id: number;
  passageId: number;
  documentId: number;
  text: string;
  passageText: string;
  origin: 'generated' | 'manual' | 'imported';
  status: QueryStatus;
  statusReason: string | null;
  split: 'train' | 'eval';
  signals: Partial<Record<SignalName, number | null>>;
  /** The earlier query of another passage this one near-duplicates (signal nearDupCorpus), if any. */
  nearDupOf?: number | null;
}

export interface CurationCounts {
  total: number;
  pending: number;
  accepted: number;
  rejected: number;
}

export interface UndoEntry {
  id: number;
  label: string;
  rowCount: number;
  undone: boolean;
  createdAt: string;
}

export interface SplitInfo {
  share: number | null;
  seed: number | null;
  evalPassages: number;
  trainPassages: number;
  evalQueries: { total: number; accepted: number; pending: number; rejected: number };
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

const page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(2000).default(200) };
const exportFormat = z.enum(['tsv', 'jsonl', 'beir']);

export const curationContract = {
  /** Starts a 'curation.signals' job. */
  computeSignals: method<JobSnapshot>()(signalsParamsSchema),
  /** Queries matching a filter, in passage order, with their signals. */
  listQueries: method<{ total: number; rows: CurationQueryRow[] }>()(z.object({ ...page, filter: queryFilterSchema.prefault({}) })),
  /** Status counts of the queries a filter matches (the live counts). */
  counts: method<CurationCounts>()(z.object({ filter: queryFilterSchema.prefault({}) })),
  /** What applying a rule would change, without changing anything. */
  /** missingSignals: signals the rule reads that no query has yet (applyRule then refuses with a RuleError saying how to compute them). */
  previewRule: method<{ matched: number; changes: number; byStatus: CurationCounts; missingSignals: SignalName[] }>()(z.object({ rule: ruleSchema })),
  /** Reads a rule expression (the CLI's syntax, e.g. "reject copyRatio > 0.8", "keep top 70% by relevance per corpus") or a saved/built-in rule name; fails with a RuleError saying what is wrong. */
  parseRule: method<{ rule: Rule; name?: string; description: string }>()(z.object({ text: z.string().trim().min(1).max(500) })),
  applyRule: method<{ changed: number; actionId: number | null }>()(z.object({ rule: ruleSchema, name: z.string().trim().min(1).max(200).optional() })),
  /** Sets the status of everything the filter matches (one query, a selection, or all). */
  setStatus: method<{ changed: number; actionId: number | null }>()(
    z.object({ filter: queryFilterSchema.prefault({}), status: z.enum(QUERY_STATUSES), reason: z.string().trim().max(200).optional() }),
  ),
  editQuery: method<{ actionId: number }>()(z.object({ id: z.number().int().positive(), text: z.string().trim().min(1).max(2000) })),
  addQuery: method<{ id: number; actionId: number }>()(
    z.object({ passageId: z.number().int().positive(), text: z.string().trim().min(1).max(2000), status: z.enum(QUERY_STATUSES).default('accepted') }),
  ),
  undo: method<UndoEntry | null>()(z.object({})),
  redo: method<UndoEntry | null>()(z.object({})),
  history: method<UndoEntry[]>()(z.object({ limit: z.number().int().min(1).max(500).default(50) })),
  listRules: method<Array<{ name: string; rule: Rule }>>()(z.object({})),
  saveRule: method<{ name: string }>()(z.object({ name: z.string().trim().min(1).max(200), rule: ruleSchema })),
  deleteRule: method<{ deleted: boolean }>()(z.object({ name: z.string().trim().min(1) })),
  /** Histogram of one signal over the queries a filter matches. */
  histogram: method<{ bins: HistogramBin[]; missing: number }>()(
    z.object({ signal: z.enum(SIGNAL_NAMES), bins: z.number().int().min(1).max(200).default(30), filter: queryFilterSchema.prefault({}) }),
  ),
  /** Accepted / rejected / pending per document. */
  perDocument: method<Array<{ documentId: number; title: string | null; accepted: number; rejected: number; pending: number }>>()(
    z.object({ limit: z.number().int().min(1).max(1000).default(50) }),
  ),
  /** Marks a seeded share of passages (with their queries) as the eval split. */
  makeSplit: method<{ evalPassages: number; trainPassages: number }>()(
    z.object({ share: z.number().min(0).max(0.9).default(0.1), seed: z.number().int().default(42) }),
  ),
  /** The current held-out split: share and seed of the last split made (null: none made), passages and eval queries by status. */
  splitInfo: method<SplitInfo>()(z.object({})),
  /** Writes the pairs of every query nobody rejected (or accepted ones only); byStatus says how many of each went in. */
  export: method<{ path: string; pairs: number; files: string[]; byStatus: { accepted: number; pending: number } }>()(
    z.object({
      format: exportFormat,
      /** Relative paths resolve against the project folder. */
      out: z.string().min(1),
      split: z.enum(['train', 'eval', 'all']).default('all'),
      /** Replace an existing file (or non-empty BEIR folder); without it the export refuses. */
      overwrite: z.boolean().default(false),
      /** Queries exported: every one nobody rejected (pending + accepted), or accepted only. */
      status: z.enum(['not-rejected', 'accepted']).default('not-rejected'),
    }),
  ),
  importPairs: method<{ imported: number; existing: number; newPassages: number; errors: Array<{ line: number; message: string }>; errorCount: number }>()(
    z.object({ path: z.string().min(1), format: z.enum(['tsv', 'jsonl', 'auto']).default('auto'), status: z.enum(QUERY_STATUSES).default('accepted') }),
  ),
};
