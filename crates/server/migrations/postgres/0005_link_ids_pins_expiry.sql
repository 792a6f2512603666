-- Links get a short public id, an expiry and an optional PIN; galleries an
-- expiry; the studio-wide token.

ALTER TABLE links ADD COLUMN link_id TEXT;
UPDATE links SET link_id = substr(md5(random()::text), 1, 8);
CREATE UNIQUE INDEX links_by_id ON links(link_id);
ALTER TABLE links ADD COLUMN expires_at BIGINT;
ALTER TABLE links ADD COLUMN pin_salt BYTEA;
ALTER TABLE links ADD COLUMN pin_hash BYTEA;
ALTER TABLE links ADD COLUMN pin_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN pin_locked_until BIGINT;
ALTER TABLE galleries ADD COLUMN expires_at BIGINT;
CREATE TABLE studio_token (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    token_hash  BYTEA NOT NULL
);
