// Schema version 4 (corpus import speed): a bulk import may index its passages in FTS in batches
// (one INSERT … SELECT per few thousand rows) instead of through the per-row trigger. Measured on
// SOTU (8k passages), the per-row trigger made FTS upkeep ~2.5× costlier than batches: each
// trigger statement flushes FTS5's pending terms into a new tiny segment, which automerge then
// rewrites. The importer sets `active` only inside its own write transaction and clears it
// (after indexing its rows) before COMMIT, so no other connection ever sees it set, and every
// other writer (pair re-import, tests, tools) keeps the trigger.
// FTS5's pending-terms buffer goes from 1 MB to 16 MB (stored in passages_fts_config): fewer,
// larger segments to merge halved the FTS CPU time of a 32 MB import.
export const SCHEMA_V4_BULK_FTS = `
INSERT INTO passages_fts (passages_fts, rank) VALUES ('hashsize', 16777216);
CREATE TABLE passages_fts_bulk (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  active INTEGER NOT NULL DEFAULT 0       -- 1 while an import indexes its own rows in batches
);
INSERT INTO passages_fts_bulk (id, active) VALUES (1, 0);
DROP TRIGGER passages_fts_insert;
CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages
WHEN (SELECT active FROM passages_fts_bulk WHERE id = 1) = 0
BEGIN
  INSERT INTO passages_fts (rowid, text, title) VALUES (new.id, new.text, new.title);
END;
`;
