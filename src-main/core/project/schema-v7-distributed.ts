// Schema version 7 (distributed stages, issue 16): a stage (generation or embedding) split into
// shards of passages that workers process from a Redis/BullMQ queue. The project's database stays
// with the coordinating process; workers never see it. dist_results is the idempotency key: a
// passage's result is written once per stage (INSERT OR IGNORE on (stage_id, passage_id)), so a
// retried or duplicated shard never writes a query or a vector twice.
export const SCHEMA_V7_DISTRIBUTED = `
CREATE TABLE dist_stages (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('generate', 'embed')),
  queue_key   TEXT NOT NULL UNIQUE,            -- random key naming this stage's shard jobs and results queue in Redis
  job_id      INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  model_id    INTEGER REFERENCES models(id) ON DELETE SET NULL,
  config      TEXT NOT NULL,                   -- JSON: model reference, settings, redis URL without password
  state       TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'paused', 'done', 'failed', 'cancelled')),
  shards      INTEGER NOT NULL DEFAULT 0,
  passages    INTEGER NOT NULL DEFAULT 0,
  error       TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT
);

CREATE TABLE dist_shards (
  stage_id    INTEGER NOT NULL REFERENCES dist_stages(id) ON DELETE CASCADE,
  shard       INTEGER NOT NULL,
  passage_ids TEXT NOT NULL,                   -- JSON array, in the order the in-process run would batch them
  state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'queued', 'running', 'done', 'failed')),
  worker      TEXT,                            -- worker id that ran it (last seen running, or that delivered it)
  device      TEXT,                            -- execution provider the worker ran it on
  attempts    INTEGER NOT NULL DEFAULT 0,
  seconds     REAL,                            -- compute time on the worker
  error       TEXT,
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (stage_id, shard)
);
CREATE INDEX dist_shards_state ON dist_shards(stage_id, state);

CREATE TABLE dist_results (
  stage_id   INTEGER NOT NULL REFERENCES dist_stages(id) ON DELETE CASCADE,
  passage_id INTEGER NOT NULL,
  shard      INTEGER NOT NULL,
  text_hash  TEXT,                             -- embed stages: sha1 of the embedded text (the index builder looks vectors up by it)
  vector     BLOB,                             -- embed stages: Float32 little-endian
  PRIMARY KEY (stage_id, passage_id)
) WITHOUT ROWID;
CREATE INDEX dist_results_text ON dist_results(stage_id, text_hash);
`;
