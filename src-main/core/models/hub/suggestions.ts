// Checkpoints worth starting from, per role, with their size so the user knows what a download
// costs. Sizes are the safetensors (float32) weights, rounded; parameters as published.
import type { HubSuggestion } from '../../../../shared/services/models.js';

const MB = 1_000_000;

export const HUB_SUGGESTIONS: readonly HubSuggestion[] = [
  { repo: 'BeIR/query-gen-msmarco-t5-base-v1', role: 'generator', parameters: 223_000_000, approxBytes: 892 * MB, description: 'T5-base trained on MS MARCO to write queries for a passage (GenQ / BEIR)', recommended: true },
  { repo: 'doc2query/msmarco-t5-base-v1', role: 'generator', parameters: 223_000_000, approxBytes: 892 * MB, description: 'docT5query T5-base on MS MARCO, trained longer' },
  { repo: 'doc2query/msmarco-t5-small-v1', role: 'generator', parameters: 60_500_000, approxBytes: 242 * MB, description: 'docT5query T5-small: about 4x faster, lower quality' },
  { repo: 'BeIR/query-gen-msmarco-t5-large-v1', role: 'generator', parameters: 738_000_000, approxBytes: 2950 * MB, description: 'T5-large query generator: best queries, slow on CPU' },
  { repo: 'microsoft/mpnet-base', role: 'encoder', parameters: 110_000_000, approxBytes: 438 * MB, description: 'MPNet-base, a base model to fine-tune with MNR loss (plain transformer: mean pooling)', recommended: true },
  { repo: 'sentence-transformers/all-MiniLM-L6-v2', role: 'encoder', parameters: 22_700_000, approxBytes: 91 * MB, description: 'small, fast sentence encoder (384-d), a good baseline' },
  { repo: 'BAAI/bge-small-en-v1.5', role: 'encoder', parameters: 33_400_000, approxBytes: 134 * MB, description: 'strong small retrieval encoder (384-d, CLS pooling)' },
  { repo: 'cross-encoder/ms-marco-MiniLM-L-6-v2', role: 'cross-encoder', parameters: 22_700_000, approxBytes: 91 * MB, description: 'MS MARCO re-ranker that scores (query, passage) pairs', recommended: true },
];
