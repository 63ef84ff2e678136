// Schema version 9 (one writer at a time): project-level locks for stages that must not run
// twice at once (query generation, importing the same content, the same job resumed by two
// processes). A row names its holder process so the second one gets "already running in
// process N (started …)", and a row whose process is gone (kill -9) is taken over.
export const SCHEMA_V9_STAGE_LOCKS = `
CREATE TABLE stage_locks (
  name        TEXT PRIMARY KEY,   -- 'generation', 'import:<sha256>', 'job:<id>'
  owner       TEXT NOT NULL,      -- random token of the holder (one process may hold several)
  pid         INTEGER NOT NULL,
  host        TEXT NOT NULL,
  job_id      INTEGER,            -- the job holding it, when one does: a finished job's lock is stale
  description TEXT NOT NULL,      -- what is running, for the message the next caller sees
  acquired_at TEXT NOT NULL
);
`;
