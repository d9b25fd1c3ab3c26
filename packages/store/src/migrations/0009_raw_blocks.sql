-- A record's raw text lives in compressed blocks; its row keeps what queries filter and sort on
-- (ADR 0040 for the codec, 0041 for the layout).
--
-- `blocks`: ~64 KiB of raw text each, the records' texts in the order they were written, joined by
-- newlines; `bid` is bundle key << 40 | block number (as records' rid), so a bundle's blocks are
-- one rowid range. A record written this way has `block`, `pos` and `len` (where its text is in the
-- block's decoded text, in UTF-16 code units), an empty `raw` and, when `derive` is not 0 (the
-- parsers' REDERIVE), an empty message and no fields: they are parsed again from the text when the
-- record is read. Records of bundles ingested before keep their texts in their columns (`block`
-- NULL) and read as before.
CREATE TABLE blocks (
  bid INTEGER PRIMARY KEY,
  codec INTEGER NOT NULL,
  chars INTEGER NOT NULL,
  data BLOB NOT NULL
);
ALTER TABLE records ADD COLUMN block INTEGER;
ALTER TABLE records ADD COLUMN pos INTEGER;
ALTER TABLE records ADD COLUMN len INTEGER;
ALTER TABLE records ADD COLUMN derive INTEGER;
-- The record's timeline lane (link_lanes), decided when it is written from its parsed fields.
ALTER TABLE records ADD COLUMN lane INTEGER;
-- How the parser read the file (parsers' LineMode): what its records are re-derived with.
ALTER TABLE files ADD COLUMN mode TEXT;
-- 1: the bundle's records are written this way (their lanes numbered when written).
ALTER TABLE bundles ADD COLUMN layout INTEGER NOT NULL DEFAULT 0;

-- The full-text index holds no copy of the text (contentless): hits are shown from the records'
-- text, highlighted by the store. Deleting by rowid needs `contentless_delete` (which in turn
-- needs the per-row size table). Bundles indexed before are indexed again from their columns.
CREATE VIRTUAL TABLE records_fts_new USING fts5 (
  message,
  log_fields,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61'
);
INSERT INTO records_fts_new (records_fts_new, rank) VALUES ('automerge', 16);
INSERT INTO records_fts_new (rowid, message, log_fields)
  SELECT r.rid, r.message, r.log_fields FROM bundles b JOIN records r
    ON r.rid BETWEEN b.key << 40 AND CASE WHEN b.fts_built = 1 THEN ((b.key + 1) << 40) - 1 ELSE coalesce(b.fts_upto, -1) END;
DROP TABLE records_fts;
ALTER TABLE records_fts_new RENAME TO records_fts;
