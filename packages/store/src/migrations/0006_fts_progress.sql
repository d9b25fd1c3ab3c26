-- The full-text index of a bundle is built in steps (a transaction per ~200 000 records), so that
-- no one write holds the database's write lock for long. `fts_upto` is the last record rowid
-- indexed so far (NULL: none); `fts_built` still says the index is complete. A bundle whose build
-- was interrupted is deleted with exactly the index entries it has.
ALTER TABLE bundles ADD COLUMN fts_upto INTEGER;
