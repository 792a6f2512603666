-- The folder a gallery is published from, and what an unfinished publish
-- leaves so that a re-run resumes: drafts and uploads.

ALTER TABLE galleries ADD COLUMN source_dir TEXT;
CREATE INDEX galleries_by_source ON galleries(source_dir);
CREATE TABLE drafts (
    gallery_id  TEXT PRIMARY KEY,
    source_dir  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    title       TEXT,
    label       TEXT NOT NULL,
    min_select  INTEGER NOT NULL,
    max_select  INTEGER,
    deadline    INTEGER
);
CREATE INDEX drafts_by_source ON drafts(source_dir);
CREATE TABLE uploads (
    object_key  TEXT PRIMARY KEY,
    gallery_id  TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    uploaded_at INTEGER NOT NULL
);
CREATE INDEX uploads_by_gallery ON uploads(gallery_id);
