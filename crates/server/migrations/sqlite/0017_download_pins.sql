-- A link's download PIN: like the link's own PIN (0005, 0009) but asked
-- only before downloading. Its wrong tries are counted and locked apart
-- from the link's PIN, so a guessed download PIN never locks the gallery.

ALTER TABLE links ADD COLUMN download_pin_salt BLOB;
ALTER TABLE links ADD COLUMN download_pin_hash BLOB;
ALTER TABLE links ADD COLUMN download_pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN download_pin_locked_until INTEGER;
ALTER TABLE links ADD COLUMN download_pin_lockouts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN download_pin_failures_total INTEGER NOT NULL DEFAULT 0;
