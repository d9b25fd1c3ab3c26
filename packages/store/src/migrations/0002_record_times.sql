-- Time order is built once per bundle, at the end of its ingest, instead of per insert.
--
-- An index on records (bundle, ts) is updated on every insert, and records arrive file by file, so
-- its entries land all over the tree: on a million-line bundle it was ~30 % of the insert time
-- (bench/RESULTS.md). `record_times` holds the same order, written in one sorted pass when the
-- bundle's records are complete (`BundleWriter.finish`), and covers what time-ordered readers
-- need without touching the wide records rows: severity (histograms) and whether a record is a
-- log line (correlation reads audit records and Events first).
--
-- `ts` is never NULL here (a primary key column of a WITHOUT ROWID table): records without a time
-- are stored with ts = -9223372036854775808, which sorts first, as NULL did in the index.
DROP INDEX records_by_ts;
DROP INDEX records_control_by_ts;

CREATE TABLE record_times (
  bundle INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  rid INTEGER NOT NULL,
  severity INTEGER NOT NULL,
  is_log INTEGER NOT NULL,
  PRIMARY KEY (bundle, ts, rid)
) WITHOUT ROWID;

-- Bundles ingested before this migration: their order, built now.
INSERT INTO record_times (bundle, ts, rid, severity, is_log)
  SELECT rid >> 40, coalesce(ts, -9223372036854775808), rid, severity, kind = 'log' FROM records
  ORDER BY rid >> 40, coalesce(ts, -9223372036854775808), rid;
