// Schema version 3 (curation): quality signals as real columns on queries (so filters and rules
// over 300k queries use indexes instead of parsing the signals JSON), and the persisted
// undo/redo log of curation actions.
export const SCHEMA_V3_CURATION = `
ALTER TABLE queries ADD COLUMN sig_tokens INTEGER;        -- query length in tokenizer tokens
ALTER TABLE queries ADD COLUMN sig_words INTEGER;         -- query length in words
ALTER TABLE queries ADD COLUMN sig_overlap REAL;          -- share of query words found in the passage
ALTER TABLE queries ADD COLUMN sig_copy REAL;             -- longest span copied from the passage / query words (1 = copied)
ALTER TABLE queries ADD COLUMN sig_dup_passage INTEGER;   -- 1 when an earlier query of the same passage has the same normalised text
ALTER TABLE queries ADD COLUMN sig_dup_corpus INTEGER;    -- how many other passages have a query with the same normalised text
ALTER TABLE queries ADD COLUMN sig_near_dup REAL;         -- highest word Jaccard with an earlier query of the same passage
ALTER TABLE queries ADD COLUMN sig_degenerate INTEGER;    -- bit flags: 1 repeated tokens, 2 no letters, 4 truncated at max length
ALTER TABLE queries ADD COLUMN sig_roundtrip INTEGER;     -- rank of the own passage when the query is searched (k + 1 = not in top k)
ALTER TABLE queries ADD COLUMN sig_relevance REAL;        -- cross-encoder score of (query, passage)
CREATE INDEX queries_sig_copy ON queries(sig_copy);
CREATE INDEX queries_sig_overlap ON queries(sig_overlap);
CREATE INDEX queries_sig_words ON queries(sig_words);
CREATE INDEX queries_sig_tokens ON queries(sig_tokens);
CREATE INDEX queries_sig_near_dup ON queries(sig_near_dup);
CREATE INDEX queries_sig_roundtrip ON queries(sig_roundtrip);
CREATE INDEX queries_sig_relevance ON queries(sig_relevance);

-- One user-visible curation action (a rule, a bulk or single status change, an edit, an add).
-- undone = 1 entries form the redo stack; a new action discards them.
CREATE TABLE curation_actions (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('status', 'edit', 'add')),
  label      TEXT NOT NULL,                 -- what the user sees in the undo history
  payload    TEXT NOT NULL,                 -- JSON: {status, reason} | {queryId, before, after} | {queryId, passageId, text, status}
  row_count  INTEGER NOT NULL DEFAULT 0,
  undone     INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
-- The status each query had before a 'status' action touched it (what undo restores).
CREATE TABLE curation_action_rows (
  action_id     INTEGER NOT NULL REFERENCES curation_actions(id) ON DELETE CASCADE,
  query_id      INTEGER NOT NULL,
  before_status TEXT NOT NULL,
  before_reason TEXT,
  PRIMARY KEY (action_id, query_id)
) WITHOUT ROWID;

-- Saved filter presets (rules), by name.
CREATE TABLE curation_rules (
  name       TEXT PRIMARY KEY,
  rule       TEXT NOT NULL,                 -- JSON Rule
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
`;
