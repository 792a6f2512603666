-- How long a device may show its saved copy of the gallery without reaching
-- the studio, in seconds; NULL for the default (3 days).

ALTER TABLE galleries ADD COLUMN offline_window_secs INTEGER;
