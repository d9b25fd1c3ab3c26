-- An ingest's liveness (ADR 0011): the process writing a bundle holds an exclusive lock on the lock
-- file named by `lease` (ingestLease.ts) until the bundle's status is final. A bundle still
-- `ingesting` whose lease nobody holds was left by a dead process: it is marked failed and its
-- partial rows are deleted (store `recoverDeadIngests`), without waiting for a server restart.
-- NULL: no liveness known (a row from before this migration), which counts as dead.
ALTER TABLE bundles ADD COLUMN lease TEXT;

-- Bundle keys are never reused. A key addresses every row a bundle owns (record rowids are
-- key << 40 | id), and a writer that was thought dead may still add rows under its key: a new
-- bundle that reused the key would adopt them. New keys are above every key ever handed out and
-- above any key rows still carry.
CREATE TABLE bundle_key_seq (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  last INTEGER NOT NULL
);
INSERT INTO bundle_key_seq (one, last) VALUES (1, max(
  coalesce((SELECT max(key) FROM bundles), 0),
  coalesce((SELECT max(rid) FROM records) >> 40, 0),
  coalesce((SELECT max(bundle) FROM spans), 0),
  coalesce((SELECT max(bundle) FROM files), 0)
));
