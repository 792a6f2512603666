-- The folder a gallery is published from, and what an unfinished publish
-- leaves so that a re-run resumes: drafts and uploads.

ALTER TABLE galleries ADD COLUMN source_dir TEXT;
CREATE INDEX galleries_by_source ON galleries(source_dir);
CREATE TABLE drafts (
    gallery_id  TEXT PRIMARY KEY,
    source_dir  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    title       TEXT,
    label       TEXT NOT NULL,
    min_select  BIGINT NOT NULL,
    max_select  BIGINT,
    deadline    BIGINT
);
CREATE INDEX drafts_by_source ON drafts(source_dir);
CREATE TABLE uploads (
    object_key  TEXT PRIMARY KEY,
    gallery_id  TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    bytes       BIGINT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX uploads_by_gallery ON uploads(gallery_id);
