// Schema version 5 (curation follow-ups):
// - near-duplicate queries across the corpus (MinHash + LSH over query word sets, found by the
//   signals job): the similarity and the earlier query of another passage they near-duplicate.
// - a compact undo log for bulk status changes: one row per previous (status, reason) with the
//   affected query ids as a JSON array, instead of one curation_action_rows row per query (a
//   100k-row b-tree insert per bulk action). Actions logged before v5 keep their rows and still undo.
export const SCHEMA_V5_CURATION_NEAR_DUP = `
ALTER TABLE queries ADD COLUMN sig_near_dup_corpus REAL;  -- word Jaccard with an earlier query of another passage (0 = none at the threshold)
ALTER TABLE queries ADD COLUMN near_dup_of INTEGER;       -- that earlier query's id (informational: not a foreign key)
CREATE INDEX queries_sig_near_dup_corpus ON queries(sig_near_dup_corpus);

CREATE TABLE curation_action_groups (
  id            INTEGER PRIMARY KEY,
  action_id     INTEGER NOT NULL REFERENCES curation_actions(id) ON DELETE CASCADE,
  before_status TEXT NOT NULL,
  before_reason TEXT,
  query_ids     TEXT NOT NULL               -- JSON array of the query ids that had this status and reason
);
CREATE INDEX curation_action_groups_action ON curation_action_groups(action_id);
`;
