-- The timeline's level of detail reads a request's links alone, never its records.
--
-- Bucketing a request's records by lane and time used to join every link to its record (a rowid
-- lookup each, and the lane worked out from the record's fields): 2–3 s for a request with a
-- million linked lines. Each link now carries its record's time, severity and lane (`lane` numbers
-- the bundle's distinct lane signatures in `link_lanes`, see sql.ts LANE_SIG), written once when
-- the bundle's correlation is saved, and `links_by_time` covers the bucket query.
ALTER TABLE links ADD COLUMN ts INTEGER;
ALTER TABLE links ADD COLUMN severity INTEGER;
ALTER TABLE links ADD COLUMN lane INTEGER;
CREATE INDEX links_by_time ON links (bundle, req_id, ts, lane, severity);

CREATE TABLE link_lanes (
  bundle INTEGER NOT NULL,
  sig TEXT NOT NULL,
  lane INTEGER NOT NULL,
  PRIMARY KEY (bundle, sig)
) WITHOUT ROWID;

-- 0 for bundles correlated before this migration: the store fills their links at open.
ALTER TABLE bundles ADD COLUMN lanes_built INTEGER NOT NULL DEFAULT 0;
