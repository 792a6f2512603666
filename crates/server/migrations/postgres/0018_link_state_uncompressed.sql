-- A link's choices are rewritten whole by every batch it sends, and read by
-- the next: kept out of line but not compressed, so a link with a thousand
-- comments no longer spends most of a batch in pglz (the ingest bench's
-- link_state upsert: 2.8 -> 1.8 ms at 1,250 comments). Rows written before
-- keep their compressed form until their next batch.
ALTER TABLE link_state ALTER COLUMN choices SET STORAGE EXTERNAL;
