-- How many ops each link has stored, kept beside its choices and written in
-- the same transaction as the ops, so a batch reads it rather than counting
-- every op the link ever sent.

ALTER TABLE link_state ADD COLUMN op_count BIGINT NOT NULL DEFAULT 0;

UPDATE link_state SET op_count = (
    SELECT count(*) FROM ops
    WHERE ops.gallery_id = link_state.gallery_id AND ops.link_hash = link_state.link_hash
);
