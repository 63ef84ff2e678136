// Schema version 1: the tables every pipeline stage shares. Later versions go in their own
// files and are appended to migrations.ts; never edit a released version.
export const SCHEMA_V1 = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One imported source unit (a file, a JSONL record, a BEIR doc).
CREATE TABLE documents (
  id           INTEGER PRIMARY KEY,
  external_id  TEXT,
  title        TEXT,
  text         TEXT NOT NULL,
  source_path  TEXT,
  source_hash  TEXT,          -- sha256 of the source file's bytes (re-import detection)
  format       TEXT,
  import_job_id INTEGER,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX documents_source_hash ON documents(source_hash);
CREATE INDEX documents_external_id ON documents(external_id);

-- A chunk of a document: what queries are generated for and what search returns.
CREATE TABLE passages (
  id           INTEGER PRIMARY KEY,
  document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  ordinal      INTEGER NOT NULL DEFAULT 0,   -- position within its document
  external_id  TEXT,
  title        TEXT,
  text         TEXT NOT NULL,
  char_start   INTEGER,                      -- offsets into documents.text
  char_end     INTEGER,
  token_count  INTEGER,
  text_hash    TEXT,                         -- hash of normalised text (exact dedupe)
  duplicate_of INTEGER REFERENCES passages(id) ON DELETE SET NULL,
  split        TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'eval')),
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX passages_document ON passages(document_id, ordinal);
CREATE INDEX passages_text_hash ON passages(text_hash);

-- A (synthetic or manual) query for a passage, with its curation status and quality signals.
CREATE TABLE queries (
  id            INTEGER PRIMARY KEY,
  passage_id    INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
  text          TEXT NOT NULL,
  origin        TEXT NOT NULL CHECK (origin IN ('generated', 'manual', 'imported')),
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  status_reason TEXT,                        -- which rule or action set the status
  run_id        INTEGER REFERENCES runs(id) ON DELETE SET NULL,  -- generation run that wrote it
  seq           INTEGER,                     -- index among the passage's generated sequences
  signals       TEXT,                        -- JSON object of quality signals
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX queries_passage ON queries(passage_id);
CREATE INDEX queries_status ON queries(status);

-- Models known to the project (base models, generators, fine-tuned versions).
CREATE TABLE models (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('encoder', 'generator', 'cross-encoder')),
  path         TEXT NOT NULL,
  source       TEXT,                         -- hub repo id, local folder, or training run
  revision     TEXT,
  parent_id    INTEGER REFERENCES models(id) ON DELETE SET NULL,
  info         TEXT,                         -- JSON: architecture, sizes, pooling, …
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- Long work executed by the job runner. checkpoint is what a resumed job continues from.
CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,
  title        TEXT NOT NULL,
  params       TEXT NOT NULL,                -- JSON
  state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  progress     TEXT,                         -- JSON JobProgress
  checkpoint   TEXT,                         -- JSON, written by the job
  result       TEXT,                         -- JSON
  error        TEXT,                         -- JSON {name, message}
  owner_pid    INTEGER,                      -- process running it (crash detection)
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  started_at   TEXT,
  finished_at  TEXT,
  heartbeat_at TEXT
);
CREATE INDEX jobs_state ON jobs(state);

CREATE TABLE job_logs (
  id      INTEGER PRIMARY KEY,
  job_id  INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  time    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  level   TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
  message TEXT NOT NULL
);
CREATE INDEX job_logs_job ON job_logs(job_id);

-- A generation, training, indexing or evaluation run: its config and its summary.
CREATE TABLE runs (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('generation', 'training', 'index', 'eval', 'signals')),
  name       TEXT,
  job_id     INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  model_id   INTEGER REFERENCES models(id) ON DELETE SET NULL,
  config     TEXT NOT NULL,                 -- JSON
  summary    TEXT,                          -- JSON
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE metric_points (
  id     INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  series TEXT NOT NULL,                     -- "loss", "lr", "mrr@10", …
  step   INTEGER NOT NULL,
  value  REAL NOT NULL,
  time   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX metric_points_run ON metric_points(run_id, series, step);
`;
