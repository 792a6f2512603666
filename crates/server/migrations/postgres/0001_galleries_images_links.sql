-- Galleries, their photos in order and each photo's renditions, and share
-- links (only a token's SHA-256 is stored).

CREATE TABLE galleries (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE TABLE images (
    gallery_id  TEXT NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    image_id    TEXT NOT NULL,
    position    BIGINT NOT NULL,
    file_name   TEXT NOT NULL,
    alt         TEXT NOT NULL,
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    thumbhash   TEXT NOT NULL,
    PRIMARY KEY (gallery_id, image_id)
);
CREATE TABLE renditions (
    gallery_id  TEXT NOT NULL,
    image_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    object_key  TEXT NOT NULL,
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    bytes       BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    PRIMARY KEY (gallery_id, image_id, kind),
    FOREIGN KEY (gallery_id, image_id) REFERENCES images(gallery_id, image_id) ON DELETE CASCADE
);
CREATE TABLE links (
    token_hash  BYTEA PRIMARY KEY,
    gallery_id  TEXT NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    label       TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX links_by_gallery ON links(gallery_id);
