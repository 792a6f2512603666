-- The set (sub-folder) a photo is in.

ALTER TABLE images ADD COLUMN set_name TEXT;
