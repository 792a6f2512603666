-- A gallery's selection rules and lock, and customers' ops (each batch's
-- operations, in the order the origin received them).

ALTER TABLE galleries ADD COLUMN min_select INTEGER NOT NULL DEFAULT 0;
ALTER TABLE galleries ADD COLUMN max_select INTEGER;
ALTER TABLE galleries ADD COLUMN deadline INTEGER;
ALTER TABLE galleries ADD COLUMN locked_at INTEGER;
CREATE TABLE ops (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    gallery_id   TEXT NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    link_hash    BLOB NOT NULL,
    op_id        TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    hlc_wall     INTEGER NOT NULL,
    hlc_counter  INTEGER NOT NULL,
    body         TEXT NOT NULL,
    receipt      TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    UNIQUE (gallery_id, op_id)
);
CREATE INDEX ops_by_link ON ops(gallery_id, link_hash, seq);
