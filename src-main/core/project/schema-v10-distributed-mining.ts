// Schema version 10 (issue 16, mining on workers): dist_stages.kind also allows 'mine' (a mining
// run whose cross-encoder labelling is sharded over workers; its shards' ids are query ids, and
// dist_results(stage, passage_id) then keys a query). SQLite cannot change a CHECK in place: the
// table is rebuilt. DROP TABLE with foreign keys on cascades into dist_shards and dist_results,
// so their rows are kept aside in temp tables and put back, all in the migration's transaction.
export const SCHEMA_V10_DISTRIBUTED_MINING = `
CREATE TEMP TABLE v10_shards AS SELECT * FROM dist_shards;
CREATE TEMP TABLE v10_results AS SELECT * FROM dist_results;
CREATE TABLE dist_stages_v10 (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('generate', 'embed', 'mine')),
  queue_key   TEXT NOT NULL UNIQUE,
  job_id      INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  model_id    INTEGER REFERENCES models(id) ON DELETE SET NULL,
  config      TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'paused', 'done', 'failed', 'cancelled')),
  shards      INTEGER NOT NULL DEFAULT 0,
  passages    INTEGER NOT NULL DEFAULT 0,
  error       TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT
);
INSERT INTO dist_stages_v10 SELECT id, kind, queue_key, job_id, run_id, model_id, config, state, shards, passages, error, created_at, finished_at FROM dist_stages;
DROP TABLE dist_stages;
ALTER TABLE dist_stages_v10 RENAME TO dist_stages;
INSERT INTO dist_shards SELECT * FROM v10_shards WHERE NOT EXISTS (SELECT 1 FROM dist_shards d WHERE d.stage_id = v10_shards.stage_id AND d.shard = v10_shards.shard);
INSERT INTO dist_results SELECT * FROM v10_results WHERE NOT EXISTS (SELECT 1 FROM dist_results d WHERE d.stage_id = v10_results.stage_id AND d.passage_id = v10_results.passage_id);
DROP TABLE v10_shards;
DROP TABLE v10_results;
`;
