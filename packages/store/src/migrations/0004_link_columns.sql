-- A big request's links as columns in one blob, sorted by time (linkColumns.ts): the timeline's
-- buckets and the request's histogram bin a few MB in a loop instead of sorting a million rows in
-- SQL. Written with the bundle's correlation for requests with many links; requests without a row
-- here are bucketed in SQL as before.
CREATE TABLE link_columns (
  bundle INTEGER NOT NULL,
  req_id TEXT NOT NULL,
  origin_ns INTEGER NOT NULL,
  n INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (bundle, req_id)
) WITHOUT ROWID;

-- 0 for bundles correlated before this migration: the store writes their columns at open.
ALTER TABLE bundles ADD COLUMN columns_built INTEGER NOT NULL DEFAULT 0;
