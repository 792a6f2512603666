-- A gallery's selection rules and lock, and customers' ops (each batch's
-- operations, in the order the origin received them).

ALTER TABLE galleries ADD COLUMN min_select BIGINT NOT NULL DEFAULT 0;
ALTER TABLE galleries ADD COLUMN max_select BIGINT;
ALTER TABLE galleries ADD COLUMN deadline BIGINT;
ALTER TABLE galleries ADD COLUMN locked_at BIGINT;
CREATE TABLE ops (
    seq          BIGSERIAL PRIMARY KEY,
    gallery_id   TEXT NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    link_hash    BYTEA NOT NULL,
    op_id        TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    hlc_wall     BIGINT NOT NULL,
    hlc_counter  BIGINT NOT NULL,
    body         TEXT NOT NULL,
    receipt      TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    UNIQUE (gallery_id, op_id)
);
CREATE INDEX ops_by_link ON ops(gallery_id, link_hash, seq);
