// Schema version 6 (GPL hard-negative mining): one mining run per `genq mine` / Mine page job, the
// positive's cross-encoder score per mined query, and per (query, negative) candidate which
// retrievers found it at which rank, its cross-encoder score and margin CE(q, pos) − CE(q, neg)
// (MarginMSE's label), plus a "dropped as false negative" flag set by hand or by a margin threshold.
// The job's resume point is jobs.checkpoint; a run's rows and its checkpoint commit together.
export const SCHEMA_V6_MINING = `
CREATE TABLE mining_runs (
  id         INTEGER PRIMARY KEY,
  job_id     INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  config     TEXT NOT NULL,                 -- JSON: params + the resolved retrievers and cross-encoder
  state      TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done')),
  summary    TEXT,                          -- JSON MiningReport once done
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- A query the run mined for: its positive passage and CE(query, positive).
CREATE TABLE mining_queries (
  run_id      INTEGER NOT NULL REFERENCES mining_runs(id) ON DELETE CASCADE,
  query_id    INTEGER NOT NULL REFERENCES queries(id) ON DELETE CASCADE,
  positive_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
  ce_positive REAL NOT NULL,
  pool        INTEGER NOT NULL,             -- candidates in the retrievers' union before sampling
  PRIMARY KEY (run_id, query_id)
) WITHOUT ROWID;
-- Foreign-key lookups when a query or passage is deleted (else each delete scans the table).
CREATE INDEX mining_queries_query ON mining_queries(query_id);
CREATE INDEX mining_queries_positive ON mining_queries(positive_id);

-- A sampled hard negative of a mined query.
CREATE TABLE mining_candidates (
  run_id         INTEGER NOT NULL,
  query_id       INTEGER NOT NULL,
  passage_id     INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
  found_by       INTEGER NOT NULL,          -- bit i set: the run's retriever i returned it
  ranks          TEXT NOT NULL,             -- JSON array, per retriever its 1-based rank or null
  ce_score       REAL NOT NULL,             -- CE(query, negative), raw logit
  margin         REAL NOT NULL,             -- CE(query, positive) − CE(query, negative)
  dropped        INTEGER NOT NULL DEFAULT 0,
  dropped_reason TEXT,                      -- 'manual' or 'margin < x'
  PRIMARY KEY (run_id, query_id, passage_id),
  FOREIGN KEY (run_id, query_id) REFERENCES mining_queries(run_id, query_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX mining_candidates_margin ON mining_candidates(run_id, margin);
CREATE INDEX mining_candidates_passage ON mining_candidates(passage_id);
`;
