-- Links get a short public id, an expiry and an optional PIN; galleries an
-- expiry; the studio-wide token.

ALTER TABLE links ADD COLUMN link_id TEXT;
UPDATE links SET link_id = lower(hex(randomblob(4)));
CREATE UNIQUE INDEX links_by_id ON links(link_id);
ALTER TABLE links ADD COLUMN expires_at INTEGER;
ALTER TABLE links ADD COLUMN pin_salt BLOB;
ALTER TABLE links ADD COLUMN pin_hash BLOB;
ALTER TABLE links ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN pin_locked_until INTEGER;
ALTER TABLE galleries ADD COLUMN expires_at INTEGER;
CREATE TABLE studio_token (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    token_hash  BLOB NOT NULL
);
