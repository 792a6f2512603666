-- An explicit insertion order for the lists that show rows made in the same
-- second: galleries and drafts (newest first), links (oldest first). The
-- rowid it replaces is no order to keep (VACUUM may renumber it). Existing
-- rows are numbered in the order they were listed (created_at, then rowid); a
-- new row takes the next number from a trigger (SQLite has one writer at a
-- time, so no two rows get the same one).

ALTER TABLE galleries ADD COLUMN seq INTEGER;
UPDATE galleries SET seq = o.n
FROM (SELECT id, row_number() OVER (ORDER BY created_at, rowid) AS n FROM galleries) AS o
WHERE galleries.id = o.id;
CREATE UNIQUE INDEX galleries_by_seq ON galleries(seq);
CREATE TRIGGER galleries_seq AFTER INSERT ON galleries WHEN NEW.seq IS NULL
BEGIN
    UPDATE galleries SET seq = (SELECT coalesce(max(seq), 0) + 1 FROM galleries) WHERE id = NEW.id;
END;

ALTER TABLE links ADD COLUMN seq INTEGER;
UPDATE links SET seq = o.n
FROM (SELECT token_hash, row_number() OVER (ORDER BY created_at, rowid) AS n FROM links) AS o
WHERE links.token_hash = o.token_hash;
CREATE UNIQUE INDEX links_by_seq ON links(seq);
CREATE TRIGGER links_seq AFTER INSERT ON links WHEN NEW.seq IS NULL
BEGIN
    UPDATE links SET seq = (SELECT coalesce(max(seq), 0) + 1 FROM links) WHERE token_hash = NEW.token_hash;
END;

ALTER TABLE drafts ADD COLUMN seq INTEGER;
UPDATE drafts SET seq = o.n
FROM (SELECT gallery_id, row_number() OVER (ORDER BY created_at, rowid) AS n FROM drafts) AS o
WHERE drafts.gallery_id = o.gallery_id;
CREATE UNIQUE INDEX drafts_by_seq ON drafts(seq);
CREATE TRIGGER drafts_seq AFTER INSERT ON drafts WHEN NEW.seq IS NULL
BEGIN
    UPDATE drafts SET seq = (SELECT coalesce(max(seq), 0) + 1 FROM drafts) WHERE gallery_id = NEW.gallery_id;
END;
