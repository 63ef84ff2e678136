// Schema version 2 (corpus): full-text search over passages (FTS5, external content kept in sync
// by triggers, which also fire for ON DELETE CASCADE from documents) and indexes for the corpus
// page's filters (duplicates, token length, source).
export const SCHEMA_V2_CORPUS = `
CREATE VIRTUAL TABLE passages_fts USING fts5(
  text, title,
  content = 'passages', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages BEGIN
  INSERT INTO passages_fts (rowid, text, title) VALUES (new.id, new.text, new.title);
END;
CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN
  INSERT INTO passages_fts (passages_fts, rowid, text, title) VALUES ('delete', old.id, old.text, old.title);
END;
CREATE TRIGGER passages_fts_update AFTER UPDATE OF text, title ON passages BEGIN
  INSERT INTO passages_fts (passages_fts, rowid, text, title) VALUES ('delete', old.id, old.text, old.title);
  INSERT INTO passages_fts (rowid, text, title) VALUES (new.id, new.text, new.title);
END;
INSERT INTO passages_fts (passages_fts) VALUES ('rebuild');
CREATE INDEX passages_duplicate_of ON passages(duplicate_of);
CREATE INDEX passages_token_count ON passages(token_count);
CREATE INDEX documents_source_path ON documents(source_path);
`;
