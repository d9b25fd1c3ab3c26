-- Bundles: `key` is the internal integer used by every child row; `id` is the public,
-- content-derived id that permalinks carry.
CREATE TABLE bundles (
  key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ingesting', 'ready', 'failed')),
  created_at TEXT NOT NULL,
  size_bytes INTEGER NOT NULL DEFAULT 0,
  records INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  ts_from INTEGER,
  ts_to INTEGER,
  progress TEXT,
  report TEXT,
  error TEXT,
  -- 1 once the bundle's rows are in records_fts (an external-content index must only be told to
  -- delete rows it holds).
  fts_built INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE files (
  bundle INTEGER NOT NULL REFERENCES bundles(key) ON DELETE CASCADE,
  file_id INTEGER NOT NULL,
  path TEXT NOT NULL,
  format TEXT,
  wrapper TEXT NOT NULL DEFAULT 'none',
  component TEXT,
  node TEXT,
  bytes INTEGER NOT NULL DEFAULT 0,
  lines INTEGER NOT NULL DEFAULT 0,
  records INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  time_rule TEXT NOT NULL DEFAULT 'none',
  error TEXT,
  PRIMARY KEY (bundle, file_id)
) WITHOUT ROWID;

-- `rid` is internal (FTS rowid): bundle key * 2^40 + id, so a record's rowid is derived from its
-- public address and (bundle, id) lookups are rowid lookups, with no second index to maintain on
-- every insert. `id` is the bundle-local sequence number: records are numbered in bundle order
-- (archive order, sorted for directories), so the same bundle gives the same ids. `bundle` and `id`
-- are computed from `rid`, never stored. Statements address records by `rid` (ranges for a
-- bundle, `(bundle << 40) + id` for one record): the planner cannot turn `bundle = ? AND id = ?`
-- into a rowid lookup by itself.
CREATE TABLE records (
  rid INTEGER PRIMARY KEY,
  bundle INTEGER GENERATED ALWAYS AS (rid >> 40) VIRTUAL,
  id INTEGER GENERATED ALWAYS AS (rid & 1099511627775) VIRTUAL,
  file_id INTEGER NOT NULL,
  line INTEGER NOT NULL,
  ts INTEGER,
  severity INTEGER NOT NULL,
  kind TEXT NOT NULL,
  format TEXT NOT NULL,
  component TEXT NOT NULL,
  node TEXT,
  caller TEXT,
  message TEXT NOT NULL,
  fields TEXT,
  raw TEXT NOT NULL,
  req_id TEXT,
  audit_id TEXT,
  trace_id TEXT,
  span_id TEXT
);
-- (bundle, ts) holds the rowid too, and rowid order is id order inside a bundle: `ORDER BY ts, rid`.
CREATE INDEX records_by_ts ON records (bundle, ts);
-- Correlation's first pass reads only audit records and Events (a sixth of a bundle or less) in
-- time order; without this small partial index it walked every record to find them.
CREATE INDEX records_control_by_ts ON records (bundle, ts) WHERE kind <> 'log';

-- Only the message is indexed; searches order by rowid, never by rank, so the per-row size table
-- (`columnsize`) would be written on every insert and never read.
CREATE VIRTUAL TABLE records_fts USING fts5 (
  message,
  content = 'records',
  content_rowid = 'rid',
  columnsize = 0,
  tokenize = 'unicode61'
);

CREATE TABLE spans (
  bundle INTEGER NOT NULL,
  id INTEGER NOT NULL,
  file_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  name TEXT NOT NULL,
  service TEXT,
  component TEXT NOT NULL,
  node TEXT,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  status_code TEXT NOT NULL,
  status_message TEXT,
  attributes TEXT NOT NULL,
  resource TEXT NOT NULL,
  events TEXT NOT NULL,
  audit_id TEXT,
  PRIMARY KEY (bundle, id)
) WITHOUT ROWID;
CREATE INDEX spans_by_trace ON spans (bundle, trace_id);

CREATE TABLE requests (
  bundle INTEGER NOT NULL REFERENCES bundles(key) ON DELETE CASCADE,
  req_id TEXT NOT NULL,
  started_ns INTEGER NOT NULL,
  ended_ns INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  user TEXT,
  verbs TEXT NOT NULL,
  resources TEXT NOT NULL,
  namespaces TEXT NOT NULL,
  search TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (bundle, req_id)
) WITHOUT ROWID;
CREATE INDEX requests_by_time ON requests (bundle, started_ns);

CREATE TABLE links (
  bundle INTEGER NOT NULL,
  req_id TEXT NOT NULL,
  record INTEGER NOT NULL,
  kind TEXT NOT NULL,
  evidence TEXT NOT NULL,
  PRIMARY KEY (bundle, req_id, record)
) WITHOUT ROWID;
CREATE INDEX links_by_record ON links (bundle, record);

CREATE TABLE span_links (
  bundle INTEGER NOT NULL,
  req_id TEXT NOT NULL,
  span INTEGER NOT NULL,
  kind TEXT NOT NULL,
  evidence TEXT NOT NULL,
  PRIMARY KEY (bundle, req_id, span)
) WITHOUT ROWID;

CREATE TABLE request_objects (
  bundle INTEGER NOT NULL,
  object TEXT NOT NULL,
  req_id TEXT NOT NULL,
  PRIMARY KEY (bundle, object, req_id)
) WITHOUT ROWID;
